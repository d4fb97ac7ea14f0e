import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { useErrorText } from '../errors.ts';
import { formatDateTime, formatMoney, formatNumber } from '../format.ts';
import { currentLocale } from '../i18n.ts';
import { Button, FormError } from '../ui/form.tsx';
import { EmptyState, LoadError, Loading, PageHeader } from '../ui/page.tsx';
import { ConfirmResults, type ConfirmRequest } from './confirm-results.tsx';
import { ImportNowBar } from './import-now.tsx';
import { LineStatusCell, useMallStatusText } from './status.tsx';
import { claimFilters, filtersFromSearch, filtersToApi, filtersToSearch, lineStatuses, mallStatuses, orderPath, type ConfirmResult, type LineCounts, type LineFilters, type LinePage, type OrderLine } from './types.ts';
import './orders.css';
import { useConnections } from '../connections/queries.ts';

const PAGE = 100;

type SortKey = 'paidAt' | 'orderNo' | 'deliveryNo' | 'product' | 'qty' | 'amount' | 'receiver' | 'status';
type Sort = { key: SortKey; dir: 'asc' | 'desc' } | null;

const amountOf = (l: OrderLine) => l.paidAmount ?? l.orderAmount;
const statusOrder: Record<string, number> = { cancel_requested: 0, new: 1, confirmed: 2, cancelled: 3 };
const sortValue: Record<SortKey, (l: OrderLine) => string | number> = {
  paidAt: (l) => l.paidAt,
  orderNo: (l) => l.mallOrderNo,
  deliveryNo: (l) => l.deliveryNo,
  product: (l) => `${l.productName} ${l.optionText ?? ''}`,
  qty: (l) => l.quantity,
  amount: amountOf,
  receiver: (l) => l.receiver.name ?? '',
  status: (l) => statusOrder[l.status] ?? 9,
};
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
const compare = (a: string | number, b: string | number) => (typeof a === 'number' && typeof b === 'number' ? a - b : collator.compare(String(a), String(b)));

/** Lines of one parcel: the same connection and delivery number, in the order they were loaded. */
interface Bundle {
  key: string;
  lines: OrderLine[];
}

function bundlesOf(lines: OrderLine[], sort: Sort): Bundle[] {
  const byKey = new Map<string, Bundle>();
  for (const l of lines) {
    const key = `${l.connectionId}:${l.deliveryNo}`;
    const b = byKey.get(key) ?? { key, lines: [] };
    b.lines.push(l);
    byKey.set(key, b);
  }
  const out = [...byKey.values()];
  for (const b of out) b.lines.sort((x, y) => compare(x.mallOrderNo, y.mallOrderNo) || compare(x.mallLineNo, y.mallLineNo));
  if (sort) {
    const value = sortValue[sort.key];
    const sign = sort.dir === 'asc' ? 1 : -1;
    // A bundle sorts by its first line (its smallest value going up, its largest going down): parcels stay whole.
    const pick = (b: Bundle) => b.lines.map(value).sort((x, y) => sign * compare(x, y))[0]!;
    out.sort((a, b) => sign * compare(pick(a), pick(b)));
  }
  return out;
}

/**
 * Orders › Order list: every imported line with filters, search, tabs per hub status, bundles grouped,
 * keyset "load more", bulk order confirmation with per-line results, and Import now per shop.
 */
export function OrderListPage() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const mallText = useMallStatusText();
  const locale = currentLocale();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => filtersFromSearch(params), [params]);
  const apiQs = filtersToApi(filters).toString();
  const countQs = filtersToApi(filters, true).toString();
  const [q, setQ] = useState(filters.q ?? '');
  const [sort, setSort] = useState<Sort>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [confirmRequest, setConfirmRequest] = useState<ConfirmRequest | null>(null);

  useEffect(() => setQ(filters.q ?? ''), [filters.q]);
  useEffect(() => setSelected(new Set()), [apiQs]);

  const connections = useConnections();
  const counts = useQuery({ queryKey: ['order-counts', countQs], queryFn: () => api.get<LineCounts>(`/api/order-lines/counts${countQs ? `?${countQs}` : ''}`) });
  const lines = useInfiniteQuery({
    queryKey: ['order-lines', apiQs],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => {
      const p = new URLSearchParams(apiQs);
      p.set('limit', String(PAGE));
      if (pageParam) p.set('cursor', pageParam);
      return api.get<LinePage>(`/api/order-lines?${p.toString()}`);
    },
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

  const confirm = useMutation({
    mutationFn: (ids: string[]) => api.post<{ results: ConfirmResult[] }>('/api/order-lines/confirm', { ids }),
    onSuccess: ({ results }, ids) => {
      const all = lines.data?.pages.flatMap((p) => p.items) ?? [];
      const chosen = new Set(ids);
      const snapshot: ConfirmRequest['lines'] = {};
      for (const l of all) if (chosen.has(l.id)) snapshot[l.id] = { id: l.id, orderId: l.orderId, mallOrderNo: l.mallOrderNo, mallLineNo: l.mallLineNo, productName: l.productName };
      setConfirmRequest({ results, lines: snapshot, startedAt: Date.now() });
      setSelected(new Set());
    },
  });

  const setFilters = (next: LineFilters) => {
    setConfirmRequest(null);
    setParams(filtersToSearch(next));
  };
  // From the address bar as it is now, not as last rendered (router updates render in a transition):
  // a tab click and a search in quick succession both count.
  const patch = (p: Partial<LineFilters>) => {
    const next: LineFilters = { ...filtersFromSearch(new URLSearchParams(window.location.search)), ...p };
    for (const k of Object.keys(p) as (keyof LineFilters)[]) if (p[k] === undefined || p[k] === '') delete next[k];
    setFilters(next);
  };
  const search = (e: FormEvent) => {
    e.preventDefault();
    patch({ q: q.trim() || undefined });
  };
  const anyFilter = Object.keys(filters).some((k) => k !== 'status');

  const loaded = useMemo(() => lines.data?.pages.flatMap((p) => p.items) ?? [], [lines.data]);
  const bundles = useMemo(() => bundlesOf(loaded, sort), [loaded, sort]);
  const total = filters.status ? (counts.data?.byStatus[filters.status] ?? 0) : (counts.data?.total ?? 0);
  const connectionName = (id: string) => connections.data?.find((c) => c.id === id)?.name ?? '';

  const toggleSort = (key: SortKey) => setSort((s) => (s?.key === key ? (s.dir === 'asc' ? { key, dir: 'desc' } : null) : { key, dir: 'asc' }));
  const toggleLine = (id: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const allSelected = loaded.length > 0 && loaded.every((l) => selected.has(l.id));
  const toggleAll = () => setSelected(allSelected ? new Set() : new Set(loaded.map((l) => l.id)));

  const header = (key: SortKey, label: string, align?: 'right') => {
    const active = sort?.key === key;
    return (
      <th scope="col" aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'} style={{ textAlign: align }}>
        <button type="button" className="sort-button" onClick={() => toggleSort(key)} title={t('orders.sortLoaded')}>
          {label}
          <span className="sort-mark" aria-hidden="true">
            {active ? (sort.dir === 'asc' ? '▲' : '▼') : '↕'}
          </span>
        </button>
      </th>
    );
  };

  const noConnection = connections.data?.length === 0;

  return (
    <>
      <PageHeader title={t('menu.orderList')}>
        <span className="breadcrumb">{t('orders.breadcrumb')}</span> {t('orders.listIntro')}
      </PageHeader>

      {noConnection ? (
        <EmptyState title={t('orders.emptyNoConnectionTitle')}>
          {t('orders.emptyNoConnectionText')} <Link to="/orders/mall-integration/api-settings">{t('orders.openSettings')}</Link>
        </EmptyState>
      ) : (
        <>
          {connections.data && <ImportNowBar connections={connections.data} {...(filters.connectionId ? { only: filters.connectionId } : {})} />}

          <form className="order-filters" onSubmit={search} role="search" aria-label={t('orders.filters.title')} data-testid="order-filters">
            <label className="filter">
              <span>{t('orders.filters.connection')}</span>
              <select value={filters.connectionId ?? ''} onChange={(e) => patch({ connectionId: e.target.value || undefined })} name="connectionId">
                <option value="">{t('orders.filters.allConnections')}</option>
                {connections.data?.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            </label>
            <label className="filter">
              <span>{t('orders.filters.mallStatus')}</span>
              <select value={filters.mallStatus ?? ''} onChange={(e) => patch({ mallStatus: e.target.value || undefined })} name="mallStatus">
                <option value="">{t('orders.filters.any')}</option>
                {mallStatuses.map((s) => (
                  <option key={s} value={s}>
                    {mallText(s)}
                  </option>
                ))}
              </select>
            </label>
            <label className="filter">
              <span>{t('orders.filters.claim')}</span>
              <select value={filters.claim ?? ''} onChange={(e) => patch({ claim: (e.target.value || undefined) as LineFilters['claim'] })} name="claim">
                <option value="">{t('orders.filters.any')}</option>
                {claimFilters.map((c) => (
                  <option key={c} value={c}>
                    {t(`orders.claim.${c}`)}
                  </option>
                ))}
              </select>
            </label>
            <label className="filter">
              <span>{t('orders.filters.from')}</span>
              <input type="date" value={filters.from ?? ''} max={filters.to} onChange={(e) => patch({ from: e.target.value || undefined })} name="from" />
            </label>
            <label className="filter">
              <span>{t('orders.filters.to')}</span>
              <input type="date" value={filters.to ?? ''} min={filters.from} onChange={(e) => patch({ to: e.target.value || undefined })} name="to" />
            </label>
            <label className="filter filter-search">
              <span>{t('orders.filters.search')}</span>
              <input type="search" value={q} placeholder={t('orders.filters.searchPlaceholder')} onChange={(e) => setQ(e.target.value)} name="q" maxLength={100} />
            </label>
            <Button type="submit" kind="primary" className="filter-button">
              {t('orders.filters.submit')}
            </Button>
            <label className="filter-check">
              <input type="checkbox" checked={!!filters.confirmFailed} onChange={(e) => patch({ confirmFailed: e.target.checked || undefined })} /> {t('orders.filters.confirmFailed')}
            </label>
            {anyFilter && (
              <Button type="button" kind="link" className="filter-button" onClick={() => (setQ(''), setFilters(filters.status ? { status: filters.status } : {}))}>
                {t('orders.filters.clear')}
              </Button>
            )}
          </form>

          <div className="status-tabs" role="tablist" aria-label={t('orders.columns.status')} data-testid="status-tabs">
            {([undefined, ...lineStatuses] as const).map((s) => {
              const n = s ? counts.data?.byStatus[s] : counts.data?.total;
              const active = filters.status === s;
              return (
                <button
                  key={s ?? 'all'}
                  type="button"
                  role="tab"
                  aria-selected={active}
                  className={`status-tab${active ? ' active' : ''}${s === 'cancel_requested' && n ? ' alert-tab' : ''}`}
                  data-status={s ?? 'all'}
                  onClick={() => patch({ status: s })}
                >
                  {s ? t(`orders.status.${s}`) : t('orders.tabAll')}
                  <span className="tab-count" data-testid="tab-count">
                    {n === undefined ? '…' : formatNumber(n, locale)}
                  </span>
                </button>
              );
            })}
          </div>

          {confirmRequest && <ConfirmResults key={confirmRequest.startedAt} request={confirmRequest} onClose={() => setConfirmRequest(null)} />}

          <div className="bulk-bar" data-testid="bulk-bar">
            <Button kind="primary" type="button" disabled={selected.size === 0} busy={confirm.isPending} onClick={() => confirm.mutate([...selected])} data-testid="bulk-confirm" title={t('orders.confirmHint')}>
              {confirm.isPending ? t('orders.sending') : t('orders.confirmSelected', { count: selected.size })}
            </Button>
            {selected.size > 0 && (
              <>
                <span className="muted">{t('orders.selectedCount', { count: selected.size })}</span>
                <Button kind="link" type="button" onClick={() => setSelected(new Set())}>
                  {t('orders.clearSelection')}
                </Button>
              </>
            )}
            <span className="topbar-spacer" />
            {lines.data && counts.data && (
              <span className="muted small" data-testid="shown-count">
                {t('orders.shown', { shown: formatNumber(loaded.length, locale), total: formatNumber(total, locale) })}
              </span>
            )}
          </div>
          <FormError message={confirm.error ? errorText(confirm.error) : null} />

          {lines.isPending ? (
            <Loading />
          ) : lines.isError ? (
            <LoadError error={lines.error} retry={() => void lines.refetch()} />
          ) : loaded.length === 0 ? (
            !anyFilter && !filters.status && counts.data?.total === 0 ? (
              <EmptyState title={t('orders.emptyNoOrdersTitle')}>{t('orders.emptyNoOrdersText')}</EmptyState>
            ) : (
              <EmptyState title={t('orders.emptyFilteredTitle')}>{t('orders.emptyFilteredText')}</EmptyState>
            )
          ) : (
            <div className="table-wrap">
              <table className="data-table order-table" data-testid="order-table">
                <caption className="visually-hidden">{t('menu.orderList')}</caption>
                <thead>
                  <tr>
                    <th scope="col" className="col-check">
                      <input type="checkbox" checked={allSelected} onChange={toggleAll} aria-label={t('orders.selectAll')} data-testid="select-all" />
                    </th>
                    {header('paidAt', t('orders.columns.paidAt'))}
                    {header('orderNo', t('orders.columns.orderNo'))}
                    <th scope="col">{t('orders.columns.lineNo')}</th>
                    {header('deliveryNo', t('orders.columns.deliveryNo'))}
                    {header('product', t('orders.columns.product'))}
                    {header('qty', t('orders.columns.qty'), 'right')}
                    {header('amount', t('orders.columns.amount'), 'right')}
                    {header('receiver', t('orders.columns.receiver'))}
                    {header('status', t('orders.columns.status'))}
                  </tr>
                </thead>
                {bundles.map((b) => (
                  <tbody key={b.key} className={`bundle${b.lines.length > 1 ? ' bundle-multi' : ''}`} data-testid="bundle" data-delivery-no={b.lines[0]!.deliveryNo}>
                    {b.lines.map((l, i) => (
                      <tr key={l.id} className={`${l.status === 'cancel_requested' ? 'row-alert' : ''}${selected.has(l.id) ? ' row-selected' : ''}`} data-testid="order-row" data-line={l.id} data-status={l.status}>
                        <td className="col-check">
                          <input type="checkbox" checked={selected.has(l.id)} onChange={() => toggleLine(l.id)} aria-label={t('orders.selectLine', { orderNo: l.mallOrderNo, lineNo: l.mallLineNo })} />
                        </td>
                        <td className="small">{formatDateTime(l.paidAt, locale)}</td>
                        <td>
                          <Link to={orderPath(l.orderId)} className="mono" data-testid="order-link" title={connectionName(l.connectionId)}>
                            {l.mallOrderNo}
                          </Link>
                        </td>
                        <td className="mono">{l.mallLineNo}</td>
                        {i === 0 && (
                          <td rowSpan={b.lines.length} className="bundle-cell">
                            <span className="mono">{l.deliveryNo}</span>
                            {b.lines.length > 1 && (
                              <span className="bundle-mark" title={t('orders.bundle', { count: b.lines.length })}>
                                {t('orders.bundleShort', { count: b.lines.length })}
                              </span>
                            )}
                          </td>
                        )}
                        <td className="col-product">
                          <span className="product-name" title={l.productName}>
                            {l.addOnOfProductNo && <span className="chip chip-off">{t('orders.addOn')}</span>} {l.productName}
                          </span>
                          {l.optionText && (
                            <span className="product-option" title={l.optionText}>
                              {l.optionText}
                            </span>
                          )}
                        </td>
                        <td className="num">{formatNumber(l.quantity, locale)}</td>
                        <td className="num">{formatMoney(amountOf(l), l.currency, locale)}</td>
                        <td>
                          <span className="cell-stack">
                            <span>{l.receiver.name ?? '—'}</span>
                            <span className="muted small mono">{l.receiver.mobile ?? l.receiver.phone ?? ''}</span>
                          </span>
                        </td>
                        <td>
                          <LineStatusCell line={l} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                ))}
              </table>
              <div className="table-footer">
                {lines.hasNextPage ? (
                  <Button type="button" busy={lines.isFetchingNextPage} onClick={() => void lines.fetchNextPage()} data-testid="load-more">
                    {lines.isFetchingNextPage ? t('orders.loadingMore') : t('orders.loadMore')}
                  </Button>
                ) : null}
              </div>
            </div>
          )}
        </>
      )}
    </>
  );
}
