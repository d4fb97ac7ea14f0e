import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { useErrorText } from '../errors.ts';
import { formatDateTime, formatMoney, formatNumber } from '../format.ts';
import { currentLocale } from '../i18n.ts';
import { ConfirmDialog } from '../ui/confirm.tsx';
import { Button, FormError, Notice } from '../ui/form.tsx';
import { LoadError, Loading, PageHeader } from '../ui/page.tsx';
import { invalidateOrderData } from './import-now.tsx';
import { HubStatusBadge, useMallStatusText } from './status.tsx';
import { orderListPath, orderPath, saleRefusalReasons, type ConfirmResult, type LineEvent, type Order, type OrderLine, type SaleRefusalReason } from './types.ts';
import './orders.css';
import { useConnections } from '../connections/queries.ts';

type Line = Order['lines'][number];

function Facts({ rows }: { rows: Array<[string, ReactNode]> }) {
  return (
    <dl className="facts order-facts">
      {rows.map(([k, v]) => (
        <div key={k} className="fact">
          <dt>{k}</dt>
          <dd>{v ?? '—'}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The refusal form in a modal: 11st's reason (as a code) and the text the buyer reads. */
function RefuseDialog({ line, onClose, onDone }: { line: Line | null; onClose: () => void; onDone: (line: Line) => void }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const ref = useRef<HTMLDialogElement>(null);
  const [reasonCode, setReasonCode] = useState<SaleRefusalReason>('sold_out');
  const [reason, setReason] = useState('');
  const codeId = useId();
  const textId = useId();
  const refuse = useMutation({
    mutationFn: (l: Line) => api.post(`/api/order-lines/${encodeURIComponent(l.id)}/refuse`, { reasonCode, reason: reason.trim() }),
    onSuccess: (_r, l) => onDone(l),
  });
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (line && !d.open) {
      setReason('');
      refuse.reset();
      d.showModal();
    } else if (!line && d.open) d.close();
  }, [line]); // opening resets the form once per line
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (line && reason.trim()) refuse.mutate(line);
  };
  return (
    <dialog ref={ref} className="dialog refuse-dialog" onCancel={(e) => (e.preventDefault(), onClose())} aria-modal="true" data-testid="refuse-dialog">
      {line && (
        <form onSubmit={submit} className="form">
          <h2>{t('orders.order.refuseTitle', { lineNo: line.mallLineNo, product: line.productName })}</h2>
          <p className="muted">{t('orders.order.refuseIntro')}</p>
          <div className="field">
            <label htmlFor={codeId}>{t('orders.order.reasonCode')}</label>
            <select id={codeId} value={reasonCode} onChange={(e) => setReasonCode(e.target.value as SaleRefusalReason)}>
              {saleRefusalReasons.map((r) => (
                <option key={r} value={r}>
                  {t(`orders.refuseReasons.${r}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={textId}>{t('orders.order.reasonText')}</label>
            <textarea id={textId} value={reason} maxLength={200} rows={3} required onChange={(e) => setReason(e.target.value)} aria-describedby={`${textId}-hint`} />
            <small id={`${textId}-hint`} className="hint">
              {t('orders.order.reasonTextHint')}
            </small>
          </div>
          <FormError message={refuse.error ? errorText(refuse.error) : null} />
          <div className="dialog-actions">
            <Button type="button" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" kind="danger" busy={refuse.isPending} disabled={!reason.trim()}>
              {t('orders.order.refuseSubmit')}
            </Button>
          </div>
        </form>
      )}
    </dialog>
  );
}

function eventText(e: LineEvent, t: ReturnType<typeof useTranslation>['t'], exists: (k: string) => boolean): string {
  const key = `orders.events.${e.kind}`;
  return exists(key) ? t(key as 'orders.events.status') : e.kind;
}

/** The facts of an event worth reading, in a short line (codes, messages, reasons); the rest stays out. */
function eventDetails(e: LineEvent): string {
  const d = e.details;
  const parts: string[] = [];
  for (const k of ['event', 'mallCode', 'mallMessage', 'code', 'message', 'reasonCode', 'reason', 'claimNo', 'via', 'settledBy']) {
    const v = d[k];
    if (typeof v === 'string' || typeof v === 'number') parts.push(`${k}: ${v}`);
  }
  return parts.join(' · ');
}

/** Orders › Order list › one order: lines, bundles, buyer and receiver, amounts, timeline, raw record, actions. */
export function OrderPage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const client = useQueryClient();
  const errorText = useErrorText();
  const mallText = useMallStatusText();
  const locale = currentLocale();
  const [notice, setNotice] = useState<string | null>(null);
  const [approving, setApproving] = useState<Line | null>(null);
  const [refusing, setRefusing] = useState<Line | null>(null);
  /** Lines with an action sent to the mall: the page re-reads the order until they change. */
  const [pending, setPending] = useState<Record<string, string>>({});

  const order = useQuery({
    queryKey: ['order', id],
    queryFn: () => api.get<Order>(`/api/orders/${encodeURIComponent(id)}`),
    refetchInterval: Object.keys(pending).length > 0 ? 1000 : false,
  });
  const connections = useConnections();

  // A pending action is over when the line's status or error changed since it was sent.
  useEffect(() => {
    if (!order.data) return;
    const still: Record<string, string> = {};
    for (const [lineId, fingerprint] of Object.entries(pending)) {
      const l = order.data.lines.find((x) => x.id === lineId);
      if (l && fingerprintOf(l) === fingerprint) still[lineId] = fingerprint;
    }
    if (Object.keys(still).length !== Object.keys(pending).length) {
      setPending(still);
      invalidateOrderData(client);
    }
  }, [order.data, pending, client]);
  useEffect(() => {
    if (Object.keys(pending).length === 0) return;
    const timer = setTimeout(() => setPending({}), 30_000);
    return () => clearTimeout(timer);
  }, [pending]);

  const track = (l: Line, message: string) => {
    setNotice(message);
    setPending((p) => ({ ...p, [l.id]: fingerprintOf(l) }));
    void client.invalidateQueries({ queryKey: ['order', id] });
  };
  const confirm = useMutation({
    mutationFn: (l: Line) => api.post<{ results: ConfirmResult[] }>('/api/order-lines/confirm', { ids: [l.id] }),
    onMutate: () => setNotice(null),
    onSuccess: ({ results }, l) => {
      const r = results[0];
      if (r?.result === 'queued') track(l, t('orders.order.confirmQueued', { lineNo: l.mallLineNo }));
      else if (r) setNotice(`${t(`orders.confirmResult.${r.result}`)}${r.reason ? `: ${i18n.exists(`orders.confirmResult.reasons.${r.reason}`) ? t(`orders.confirmResult.reasons.${r.reason as 'CANCELLED'}`) : (r.message ?? r.reason)}` : ''}`);
    },
  });
  const approve = useMutation({
    mutationFn: (l: Line) => api.post(`/api/order-lines/${encodeURIComponent(l.id)}/cancel/approve`),
    onMutate: () => setNotice(null),
    onSuccess: (_r, l) => {
      setApproving(null);
      track(l, t('orders.order.approveQueued', { lineNo: l.mallLineNo }));
    },
  });

  if (order.isPending) return <Loading />;
  if (order.isError) return <LoadError error={order.error} retry={() => void order.refetch()} />;
  const o = order.data;
  const first = o.lines[0];
  const currency = first?.currency ?? 'KRW';
  const money = (n: number | null | undefined) => (n === null || n === undefined ? '—' : formatMoney(n, currency, locale));
  const sum = (f: (l: OrderLine) => number | null) => o.lines.reduce<number | null>((acc, l) => (f(l) === null ? acc : (acc ?? 0) + f(l)!), null);
  const connection = connections.data?.find((c) => c.id === o.connectionId);
  const lineNoOf = (lineId: string) => o.lines.find((l) => l.id === lineId)?.mallLineNo ?? '';
  const receiver = first?.receiver;
  const memos = [...new Set(o.lines.map((l) => l.memo).filter((m): m is string => !!m))];

  return (
    <>
      <PageHeader title={t('orders.order.title', { orderNo: o.mallOrderNo })}>
        <Link to={orderListPath} className="breadcrumb">
          {t('orders.order.back')}
        </Link>
        <span className="order-meta">
          {t('orders.order.shop')}: {connection?.name ?? t(`connections.malls.${o.mall as '11st'}`)} · {t('orders.order.orderedAt')}: {formatDateTime(o.orderedAt, locale)} · {t('orders.order.paidAt')}: {formatDateTime(o.paidAt, locale)}
        </span>
      </PageHeader>

      <Notice message={notice} />
      <FormError message={confirm.error ? errorText(confirm.error) : approve.error && !approving ? errorText(approve.error) : null} />

      <section className="panel" aria-labelledby="lines-title">
        <h2 id="lines-title">{t('orders.order.lines')}</h2>
        <div className="table-wrap">
          <table className="data-table order-lines-table" data-testid="order-lines">
            <thead>
              <tr>
                <th scope="col">{t('orders.columns.lineNo')}</th>
                <th scope="col">{t('orders.columns.deliveryNo')}</th>
                <th scope="col">{t('orders.columns.product')}</th>
                <th scope="col" className="num">
                  {t('orders.columns.qty')}
                </th>
                <th scope="col" className="num">
                  {t('orders.order.unitPrice')}
                </th>
                <th scope="col" className="num">
                  {t('orders.order.paidAmount')}
                </th>
                <th scope="col">{t('orders.columns.status')}</th>
                <th scope="col">{t('orders.order.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {o.lines.map((l) => (
                <tr key={l.id} className={l.status === 'cancel_requested' ? 'row-alert' : ''} data-testid="line-row" data-line={l.id} data-status={l.status}>
                  <td className="mono">{l.mallLineNo}</td>
                  <td className="mono">{l.deliveryNo}</td>
                  <td className="col-product">
                    <span className="product-name">
                      {l.addOnOfProductNo && <span className="chip chip-off">{t('orders.addOn')}</span>} {l.productName}
                    </span>
                    {l.optionText && <span className="product-option">{l.optionText}</span>}
                    <span className="product-codes muted small">
                      {t('orders.order.productNo')} <span className="mono">{l.productNo}</span>
                      {l.sellerProductCode && (
                        <>
                          {' · '}
                          {t('terms.sellerProductCode')} <span className="mono">{l.sellerProductCode}</span>
                        </>
                      )}
                      {l.sellerStockCode && (
                        <>
                          {' · '}
                          {t('terms.sellerStockCode')} <span className="mono">{l.sellerStockCode}</span>
                        </>
                      )}
                      {l.optionStockNo && (
                        <>
                          {' · '}
                          {t('orders.order.optionStockNo')} <span className="mono">{l.optionStockNo}</span>
                        </>
                      )}
                    </span>
                  </td>
                  <td className="num">{formatNumber(l.quantity, locale)}</td>
                  <td className="num">{money(l.unitPrice)}</td>
                  <td className="num">{money(l.paidAmount ?? l.orderAmount)}</td>
                  <td>
                    <span className="cell-stack">
                      <HubStatusBadge status={l.status} />
                      <span className="muted small">{mallText(l.mallStatus, l.mallStatusCode)}</span>
                      {l.claim?.status === 'cancel_requested' && (
                        <span className="field-error small">
                          {t('orders.order.claimRequested', { at: formatDateTime(l.claim.requestedAt, locale) })}
                          {l.claim.reason && ` · ${t('orders.order.claimReason', { reason: l.claim.reason })}`}
                        </span>
                      )}
                      {l.confirmError && <span className="field-error small" data-testid="line-confirm-error">{t('orders.order.confirmError', { code: l.confirmError.code, message: l.confirmError.message ?? '' })}</span>}
                      {l.actionError && <span className="field-error small">{t('orders.order.actionError', { code: l.actionError.code, message: l.actionError.message ?? '' })}</span>}
                      {pending[l.id] && <span className="muted small" data-testid="line-pending">{t('orders.order.waiting')}</span>}
                    </span>
                  </td>
                  <td>
                    <span className="line-actions">
                      {l.status === 'new' && (
                        <Button className="btn-small" kind="primary" type="button" busy={confirm.isPending && confirm.variables?.id === l.id} disabled={!!pending[l.id]} onClick={() => confirm.mutate(l)} data-testid="line-confirm">
                          {t('orders.order.confirm')}
                        </Button>
                      )}
                      {l.status === 'cancel_requested' && (
                        <Button className="btn-small" kind="danger" type="button" disabled={!!pending[l.id]} onClick={() => (approve.reset(), setApproving(l))} data-testid="line-approve-cancel">
                          {t('orders.order.approveCancel')}
                        </Button>
                      )}
                      {(l.status === 'new' || l.status === 'confirmed') && (
                        <Button className="btn-small" type="button" disabled={!!pending[l.id]} onClick={() => setRefusing(l)} data-testid="line-refuse">
                          {t('orders.order.refuse')}
                        </Button>
                      )}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <div className="order-grid">
        <section className="panel" aria-labelledby="people-title">
          <h2 id="people-title">
            {t('orders.order.buyer')} / {t('orders.order.receiver')}
          </h2>
          <h3>{t('orders.order.buyer')}</h3>
          <Facts
            rows={[
              [t('orders.order.name'), o.buyer.name],
              [t('orders.order.memberId'), o.buyer.memberId && <span className="mono">{o.buyer.memberId}</span>],
              [t('orders.order.mobile'), o.buyer.mobile && <span className="mono">{o.buyer.mobile}</span>],
              [t('orders.order.phone'), o.buyer.phone && <span className="mono">{o.buyer.phone}</span>],
            ]}
          />
          <h3>{t('orders.order.receiver')}</h3>
          <Facts
            rows={[
              [t('orders.order.name'), receiver?.name],
              [t('orders.order.mobile'), receiver?.mobile && <span className="mono">{receiver.mobile}</span>],
              [t('orders.order.phone'), receiver?.phone && <span className="mono">{receiver.phone}</span>],
              [t('orders.order.postalCode'), receiver?.postalCode && <span className="mono">{receiver.postalCode}</span>],
              [t('orders.order.address'), receiver?.address && `${receiver.address} ${receiver.addressDetail ?? ''}`.trim()],
              [t('orders.order.memo'), memos.length ? memos.join(' / ') : <span className="muted">{t('orders.order.noMemo')}</span>],
            ]}
          />
        </section>

        <section className="panel" aria-labelledby="amounts-title">
          <h2 id="amounts-title">{t('orders.order.amounts')}</h2>
          <Facts
            rows={[
              [t('orders.order.orderAmount'), money(sum((l) => l.orderAmount))],
              [t('orders.order.optionAmount'), money(sum((l) => l.optionAmount))],
              [t('orders.order.sellerDiscount'), money(sum((l) => l.sellerDiscount))],
              [t('orders.order.mallDiscount'), money(sum((l) => l.mallDiscount))],
              [t('orders.order.shippingFee'), money(sum((l) => l.shippingFee))],
              [t('orders.order.paidAmount'), <strong key="paid">{money(sum((l) => l.paidAmount))}</strong>],
              [t('orders.order.expectedSettlement'), money(sum((l) => l.expectedSettlement))],
            ]}
          />
          <h2>{t('orders.order.bundles')}</h2>
          <p className="muted small">{t('orders.order.bundleHint')}</p>
          {o.bundles.map((b) => (
            <div key={b.deliveryNo} className="bundle-box" data-testid="order-bundle">
              <h3 className="mono">{t('orders.order.bundleTitle', { deliveryNo: b.deliveryNo })}</h3>
              <ul>
                {b.lines.map((bl) => (
                  <li key={bl.id}>
                    <HubStatusBadge status={bl.status} />{' '}
                    {bl.orderId === o.id ? (
                      <span className="mono">
                        {bl.mallOrderNo}-{bl.mallLineNo}
                      </span>
                    ) : (
                      <Link to={orderPath(bl.orderId)} className="mono">
                        {bl.mallOrderNo}-{bl.mallLineNo}
                      </Link>
                    )}{' '}
                    {bl.productName}
                    {bl.orderId === o.id && <span className="muted small"> ({t('orders.order.thisOrder')})</span>}
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </section>
      </div>

      <section className="panel" aria-labelledby="timeline-title">
        <h2 id="timeline-title">{t('orders.order.timeline')}</h2>
        {o.events.length === 0 ? (
          <p className="muted">{t('orders.order.noEvents')}</p>
        ) : (
          <ol className="timeline" data-testid="timeline">
            {o.events.map((e) => (
              <li key={e.id} className={`timeline-item kind-${e.kind}`} data-kind={e.kind}>
                <span className="timeline-at small mono">{formatDateTime(e.at, locale)}</span>
                <span className="timeline-what">
                  <strong>{eventText(e, t, (k) => i18n.exists(k))}</strong> <span className="muted small">#{lineNoOf(e.lineId)}</span>
                  {e.from !== e.to && e.to && (
                    <span className="timeline-move">
                      {e.from && <HubStatusBadge status={e.from} />} → <HubStatusBadge status={e.to} />
                    </span>
                  )}
                  <span className="muted small"> · {e.actor && i18n.exists(`orders.actor.${e.actor}`) ? t(`orders.actor.${e.actor as 'mall'}`) : t('orders.actor.user')}</span>
                </span>
                {eventDetails(e) && <span className="timeline-details small mono">{eventDetails(e)}</span>}
              </li>
            ))}
          </ol>
        )}
      </section>

      <section className="panel" aria-labelledby="raw-title">
        <h2 id="raw-title">{t('orders.order.raw')}</h2>
        {o.lines.map((l) => (
          <details key={l.id} className="fold raw-record" data-testid="raw-record">
            <summary>{t('orders.order.rawLine', { lineNo: l.mallLineNo })}</summary>
            <pre className="raw-json">{JSON.stringify(l.raw, null, 2)}</pre>
          </details>
        ))}
      </section>

      <ConfirmDialog
        open={approving !== null}
        message={approving && t('orders.order.approveQuestion', { lineNo: approving.mallLineNo, product: approving.productName })}
        error={approve.error}
        confirmLabel={t('orders.order.approveCancel')}
        busy={approve.isPending}
        onConfirm={() => approving && approve.mutate(approving)}
        onCancel={() => (setApproving(null), approve.reset())}
      />
      <RefuseDialog
        line={refusing}
        onClose={() => setRefusing(null)}
        onDone={(l) => {
          setRefusing(null);
          track(l, t('orders.order.refuseQueued', { lineNo: l.mallLineNo }));
        }}
      />
    </>
  );
}

const fingerprintOf = (l: OrderLine) => `${l.status}|${l.confirmError?.code ?? ''}|${l.actionError?.code ?? ''}|${l.updatedAt}`;
