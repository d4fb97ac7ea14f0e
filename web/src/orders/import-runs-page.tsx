import { useState, type FormEvent } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { useErrorText } from '../errors.ts';
import { formatDateTime, formatNumber } from '../format.ts';
import { currentLocale, type Locale } from '../i18n.ts';
import { Button, FormError, Notice } from '../ui/form.tsx';
import { EmptyState, LoadError, Loading, PageHeader } from '../ui/page.tsx';
import { DataTable, type Column } from '../ui/table.tsx';
import { ImportNowBar } from './import-now.tsx';
import { importRunsPath, runFinished, runPath, type ImportRun, type RunCall, type RunWindow } from './types.ts';
import './orders.css';
import { useConnections } from '../connections/queries.ts';

const runBadge: Record<string, string> = { succeeded: 'badge-on', failed: 'badge-fail', running: 'badge-new', queued: 'badge-off', skipped: 'badge-off' };

function duration(run: Pick<ImportRun, 'startedAt' | 'finishedAt'>, locale: Locale): string {
  if (!run.startedAt || !run.finishedAt) return '—';
  const ms = Date.parse(run.finishedAt) - Date.parse(run.startedAt);
  return ms < 10_000 ? `${formatNumber(ms, locale)} ms` : `${formatNumber(Math.round(ms / 100) / 10, locale)} s`;
}

function RunStatusBadge({ status }: { status: string }) {
  const { t, i18n } = useTranslation();
  const key = `orders.runs.status.${status}`;
  return (
    <span className={`badge ${runBadge[status] ?? 'badge-off'}`} data-status={status}>
      {status === 'failed' ? '✕ ' : ''}
      {i18n.exists(key) ? t(key as 'orders.runs.status.failed') : status}
    </span>
  );
}

const span = (s: { from: string; to: string } | null | undefined, locale: Locale) => (s ? `${formatDateTime(s.from, locale)} – ${formatDateTime(s.to, locale)}` : '—');

/** Orders › Import runs: a shop's last runs (time, trigger, status, counts), Import now and re-import of one order. */
export function ImportRunsPage() {
  const { t } = useTranslation();
  const locale = currentLocale();
  const client = useQueryClient();
  const errorText = useErrorText();
  const [params, setParams] = useSearchParams();
  const connections = useConnections();
  const connectionId = params.get('connectionId') ?? connections.data?.[0]?.id ?? '';
  const connection = connections.data?.find((c) => c.id === connectionId);
  const runs = useQuery({
    queryKey: ['import-runs', connectionId],
    enabled: !!connectionId,
    queryFn: async () => (await api.get<{ items: ImportRun[] }>(`/api/connections/${encodeURIComponent(connectionId)}/import-runs?limit=50`)).items,
    refetchInterval: (q) => (q.state.data?.some((r) => !runFinished(r)) ? 1000 : false),
  });
  const [orderNo, setOrderNo] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const reimport = useMutation({
    mutationFn: (no: string) => api.post<{ runId: string }>(`/api/connections/${encodeURIComponent(connectionId)}/reimport`, { mallOrderNo: no }),
    onSuccess: (_r, no) => {
      setNotice(t('orders.runs.reimportQueued', { orderNo: no }));
      setOrderNo('');
      void client.invalidateQueries({ queryKey: ['import-runs', connectionId] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setNotice(null);
    if (orderNo.trim()) reimport.mutate(orderNo.trim());
  };

  const columns: Column<ImportRun>[] = [
    {
      key: 'queuedAt',
      header: t('orders.runs.columns.queuedAt'),
      value: (r) => r.startedAt ?? r.queuedAt,
      render: (r) => (
        <Link to={runPath(r.id)} data-testid="run-link">
          {formatDateTime(r.startedAt ?? r.queuedAt, locale)}
        </Link>
      ),
    },
    { key: 'trigger', header: t('orders.runs.columns.trigger'), value: (r) => t(`orders.runs.trigger.${r.trigger}`), render: (r) => <>{t(`orders.runs.trigger.${r.trigger}`)}{r.mallOrderNo && <span className="mono small"> {r.mallOrderNo}</span>}</> },
    { key: 'status', header: t('orders.runs.columns.status'), value: (r) => r.status, render: (r) => <RunStatusBadge status={r.status} /> },
    { key: 'span', header: t('orders.runs.columns.span'), value: (r) => r.span?.from, render: (r) => <span className="small">{span(r.span, locale)}</span> },
    { key: 'fetched', header: t('orders.runs.columns.fetched'), value: (r) => r.counts.fetched, align: 'right', render: (r) => formatNumber(r.counts.fetched, locale) },
    { key: 'new', header: t('orders.runs.columns.new'), value: (r) => r.counts.new, align: 'right', render: (r) => formatNumber(r.counts.new, locale) },
    { key: 'updated', header: t('orders.runs.columns.updated'), value: (r) => r.counts.updated, align: 'right', render: (r) => formatNumber(r.counts.updated, locale) },
    { key: 'unchanged', header: t('orders.runs.columns.unchanged'), value: (r) => r.counts.unchanged, align: 'right', render: (r) => formatNumber(r.counts.unchanged, locale) },
    { key: 'failed', header: t('orders.runs.columns.failed'), value: (r) => r.counts.failed, align: 'right', render: (r) => (r.counts.failed ? <span className="field-error">{formatNumber(r.counts.failed, locale)}</span> : '0') },
    { key: 'duration', header: t('orders.runs.columns.duration'), value: (r) => (r.startedAt && r.finishedAt ? Date.parse(r.finishedAt) - Date.parse(r.startedAt) : null), align: 'right', render: (r) => duration(r, locale) },
    { key: 'error', header: t('orders.runs.columns.error'), value: (r) => r.error, sortable: false, render: (r) => (r.error ? <span className="details" title={r.error}>{r.error}</span> : '') },
  ];

  return (
    <>
      <PageHeader title={t('menu.importRuns')}>
        <span className="breadcrumb">{t('orders.breadcrumb')}</span> {t('orders.runs.intro')}
      </PageHeader>
      {connections.isPending ? (
        <Loading />
      ) : connections.isError ? (
        <LoadError error={connections.error} retry={() => void connections.refetch()} />
      ) : connections.data.length === 0 ? (
        <EmptyState title={t('orders.emptyNoConnectionTitle')}>
          {t('orders.emptyNoConnectionText')} <Link to="/orders/mall-integration/api-settings">{t('orders.openSettings')}</Link>
        </EmptyState>
      ) : (
        <>
          <div className="toolbar runs-toolbar">
            <label className="filter">
              <span>{t('orders.runs.connection')}</span>
              <select value={connectionId} onChange={(e) => setParams({ connectionId: e.target.value })} data-testid="runs-connection">
                {connections.data.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            </label>
            <form className="reimport-form" onSubmit={submit} title={t('orders.runs.reimportHint')}>
              <label className="filter">
                <span>{t('orders.runs.reimport')}</span>
                <input value={orderNo} onChange={(e) => setOrderNo(e.target.value)} placeholder={t('orders.runs.reimportPlaceholder')} inputMode="numeric" className="mono" />
              </label>
              <Button type="submit" busy={reimport.isPending} disabled={!orderNo.trim()}>
                {t('orders.runs.reimportSubmit')}
              </Button>
            </form>
          </div>
          {connection && <ImportNowBar connections={[connection]} />}
          <Notice message={notice} />
          <FormError message={reimport.error ? errorText(reimport.error) : null} />
          {runs.isPending ? (
            <Loading />
          ) : runs.isError ? (
            <LoadError error={runs.error} retry={() => void runs.refetch()} />
          ) : runs.data.length === 0 ? (
            <EmptyState title={t('orders.runs.empty')} />
          ) : (
            <DataTable rows={runs.data} columns={columns} rowKey={(r) => r.id} empty={t('orders.runs.empty')} caption={t('menu.importRuns')} testId="runs-table" className="runs-table" />
          )}
        </>
      )}
    </>
  );
}

const asWindows = (v: unknown[]): RunWindow[] => v.filter((w): w is RunWindow => !!w && typeof w === 'object' && 'from' in w && 'to' in w);
const asCalls = (v: unknown[]): RunCall[] => v.filter((c): c is RunCall => !!c && typeof c === 'object' && 'op' in c);

/** One run: summary, the windows it listed (and split), every call to the mall with its code and time, and the error. */
export function ImportRunPage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const locale = currentLocale();
  const run = useQuery({
    queryKey: ['import-run', id],
    queryFn: () => api.get<ImportRun>(`/api/import-runs/${encodeURIComponent(id)}`),
    refetchInterval: (q) => (q.state.data && !runFinished(q.state.data) ? 1000 : false),
  });
  const connections = useConnections();
  if (run.isPending) return <Loading />;
  if (run.isError) return <LoadError error={run.error} retry={() => void run.refetch()} />;
  const r = run.data;
  const windows = asWindows(r.windows);
  const calls = asCalls(r.calls);
  const connection = connections.data?.find((c) => c.id === r.connectionId);
  const claim = (k: string) => r.claims[k] ?? 0;
  const outcomeText = (o: string) => (i18n.exists(`orders.runs.outcome.${o}`) ? t(`orders.runs.outcome.${o as 'split'}`) : o);

  const windowColumns: Column<RunWindow>[] = [
    { key: 'from', header: t('orders.runs.windowColumns.from'), value: (w) => w.from, render: (w) => formatDateTime(w.from, locale) },
    { key: 'to', header: t('orders.runs.windowColumns.to'), value: (w) => w.to, render: (w) => formatDateTime(w.to, locale) },
    { key: 'paid', header: t('orders.runs.windowColumns.paid'), value: (w) => w.paid, align: 'right', render: (w) => (w.paid === undefined ? '—' : formatNumber(w.paid, locale)) },
    { key: 'preparing', header: t('orders.runs.windowColumns.preparing'), value: (w) => w.preparing, align: 'right', render: (w) => (w.preparing === undefined ? '—' : formatNumber(w.preparing, locale)) },
    {
      key: 'outcome',
      header: t('orders.runs.windowColumns.outcome'),
      value: (w) => w.outcome,
      render: (w) => <span className={`badge ${w.outcome === 'committed' ? 'badge-on' : w.outcome === 'failed' ? 'badge-fail' : 'badge-new'}`}>{outcomeText(w.outcome)}</span>,
    },
  ];
  const callColumns: Column<RunCall & { n: number }>[] = [
    { key: 'n', header: '#', value: (c) => c.n, align: 'right' },
    { key: 'at', header: t('orders.runs.callColumns.at'), value: (c) => c.at, render: (c) => <span className="small">{formatDateTime(c.at, locale)}</span> },
    { key: 'op', header: t('orders.runs.callColumns.op'), value: (c) => c.op, render: (c) => <code>{c.op}</code> },
    { key: 'target', header: t('orders.runs.callColumns.target'), value: (c) => c.window?.from ?? c.mallOrderNo, render: (c) => <span className="small">{c.window ? span(c.window, locale) : (c.mallOrderNo ?? '—')}</span> },
    { key: 'ms', header: t('orders.runs.callColumns.ms'), value: (c) => c.ms, align: 'right', render: (c) => `${formatNumber(c.ms, locale)} ms` },
    {
      key: 'result',
      header: t('orders.runs.callColumns.result'),
      value: (c) => c.result,
      render: (c) => <span className={`badge ${c.result === 'ok' ? 'badge-on' : 'badge-fail'}`}>{t(`orders.runs.callResult.${c.result}`)}{c.kind ? ` · ${c.kind}` : ''}</span>,
    },
    { key: 'code', header: t('orders.runs.callColumns.code'), value: (c) => c.code, render: (c) => (c.code ? <code>{c.code}</code> : '—') },
    {
      key: 'rows',
      header: t('orders.runs.callColumns.rows'),
      value: (c) => c.rows,
      align: 'right',
      render: (c) => (c.rows === undefined ? '—' : <>{formatNumber(c.rows, locale)}{c.hitRowCap && <span className="badge badge-new"> {t('orders.runs.rowCap')}</span>}</>),
    },
    { key: 'message', header: t('orders.runs.callColumns.message'), value: (c) => c.message, sortable: false, render: (c) => (c.message ? <span className="details" title={c.message}>{c.message}</span> : '') },
  ];

  return (
    <>
      <PageHeader title={t('orders.runs.detailTitle', { at: formatDateTime(r.startedAt ?? r.queuedAt, locale) })}>
        <Link to={`${importRunsPath}?connectionId=${encodeURIComponent(r.connectionId)}`} className="breadcrumb">
          {t('orders.runs.back')}
        </Link>
        {connection?.name}
      </PageHeader>
      <section className="panel" aria-labelledby="run-summary" data-testid="run-summary" data-status={r.status}>
        <h2 id="run-summary">{t('orders.runs.summary')}</h2>
        <dl className="facts order-facts run-facts">
          <div className="fact">
            <dt>{t('orders.runs.columns.status')}</dt>
            <dd>
              <RunStatusBadge status={r.status} />
            </dd>
          </div>
          <div className="fact">
            <dt>{t('orders.runs.columns.trigger')}</dt>
            <dd>
              {t(`orders.runs.trigger.${r.trigger}`)}
              {r.mallOrderNo && (
                <>
                  {' · '}
                  {t('orders.runs.order')} <span className="mono">{r.mallOrderNo}</span>
                </>
              )}
            </dd>
          </div>
          <div className="fact">
            <dt>{t('orders.runs.columns.span')}</dt>
            <dd>{span(r.span, locale)}</dd>
          </div>
          <div className="fact">
            <dt>{t('orders.runs.columns.duration')}</dt>
            <dd>{duration(r, locale)}</dd>
          </div>
          <div className="fact">
            <dt>{t('orders.runs.columns.fetched')}</dt>
            <dd className="run-counts" data-testid="run-counts">
              {(['fetched', 'new', 'updated', 'unchanged', 'failed'] as const).map((k) => (
                <span key={k} className={k === 'failed' && r.counts.failed ? 'field-error' : ''}>
                  {t(`orders.runs.columns.${k}`)} <strong>{formatNumber(r.counts[k], locale)}</strong>
                </span>
              ))}
            </dd>
          </div>
          <div className="fact">
            <dt>{t('orders.runs.claims')}</dt>
            <dd>{t('orders.runs.claimCounts', { requested: claim('requested'), completed: claim('completed'), flagged: claim('flagged'), cancelled: claim('cancelled') })}</dd>
          </div>
          <div className="fact">
            <dt>{t('orders.runs.cursor')}</dt>
            <dd className="small">
              {formatDateTime(r.cursorBefore, locale)} → {formatDateTime(r.cursorAfter, locale)}
            </dd>
          </div>
        </dl>
        {r.error && (
          <div className="alert alert-error run-error" role="alert" data-testid="run-error">
            <strong>{t('orders.runs.error')}:</strong> <span className="mono">{r.error}</span>
          </div>
        )}
      </section>
      <section className="panel" aria-labelledby="run-windows">
        <h2 id="run-windows">{t('orders.runs.windows')}</h2>
        {windows.length === 0 ? (
          <p className="muted">{t('orders.runs.noWindows')}</p>
        ) : (
          <DataTable rows={windows} columns={windowColumns} rowKey={(w) => `${w.from}-${w.to}-${w.outcome}`} empty={t('orders.runs.noWindows')} testId="run-windows" />
        )}
      </section>
      <section className="panel" aria-labelledby="run-calls">
        <h2 id="run-calls">{t('orders.runs.calls')}</h2>
        {calls.length === 0 ? (
          <p className="muted">{t('orders.runs.noCalls')}</p>
        ) : (
          <DataTable rows={calls.map((c, i) => ({ ...c, n: i + 1 }))} columns={callColumns} rowKey={(c) => String(c.n)} empty={t('orders.runs.noCalls')} testId="run-calls" className="calls-table" />
        )}
      </section>
    </>
  );
}
