import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { Button } from '../ui/form.tsx';
import { invalidateOrderData } from './import-now.tsx';
import { orderPath, type ConfirmResult, type Order, type OrderLine } from './types.ts';

/** What the user selected, kept so the results can name lines that since left the list. */
export interface ConfirmRequest {
  results: ConfirmResult[];
  lines: Record<string, Pick<OrderLine, 'id' | 'orderId' | 'mallOrderNo' | 'mallLineNo' | 'productName'>>;
  startedAt: number;
}

type Outcome = 'confirmed' | 'already_confirmed' | 'refused' | 'not_found' | 'failed' | 'queued';

/** Orders watched for the outcome of queued confirmations; beyond this the list shows them as sent. */
const WATCH_ORDERS = 50;
const WATCH_MS = 30_000;

/**
 * The per-line answer of a bulk confirmation. Queued lines are followed (their orders re-read every
 * second for up to 30 s) until the mall has answered: confirmed, or the mall's code and message.
 */
export function ConfirmResults({ request, onClose }: { request: ConfirmRequest; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const client = useQueryClient();
  const queued = request.results.filter((r) => r.result === 'queued');
  const orderIds = [...new Set(queued.map((r) => request.lines[r.id]?.orderId).filter((id): id is string => !!id))].slice(0, WATCH_ORDERS);
  const [watching, setWatching] = useState(true);

  const current = useQuery({
    queryKey: ['confirm-watch', request.startedAt, orderIds],
    enabled: orderIds.length > 0,
    queryFn: async () => {
      const orders = await Promise.all(orderIds.map((id) => api.get<Order>(`/api/orders/${encodeURIComponent(id)}`).catch(() => null)));
      const byLine: Record<string, OrderLine> = {};
      for (const o of orders) for (const l of o?.lines ?? []) byLine[l.id] = l;
      return byLine;
    },
    refetchInterval: watching ? 1000 : false,
  });

  const outcomeOf = (r: ConfirmResult): { outcome: Outcome; detail?: string } => {
    if (r.result !== 'queued') {
      const reasonKey = `orders.confirmResult.reasons.${r.reason ?? ''}`;
      return { outcome: r.result, ...(r.reason ? { detail: i18n.exists(reasonKey) ? t(reasonKey as 'orders.confirmResult.reasons.CANCELLED') : (r.message ?? r.reason) } : {}) };
    }
    const line = current.data?.[r.id];
    if (!line || line.status === 'new') {
      if (line?.confirmError) return { outcome: 'failed', detail: `${line.confirmError.code} ${line.confirmError.message ?? ''}`.trim() };
      return { outcome: 'queued' };
    }
    if (line.status === 'confirmed') return { outcome: 'confirmed' };
    if (line.status === 'cancel_requested') return { outcome: 'refused', detail: t('orders.confirmResult.reasons.CANCEL_REQUESTED') };
    return { outcome: 'refused', detail: t('orders.confirmResult.reasons.CANCELLED') };
  };
  const rows = request.results.map((r) => ({ r, ...outcomeOf(r) }));
  const waiting = rows.filter((x) => x.outcome === 'queued').length;
  const confirmed = rows.filter((x) => x.outcome === 'confirmed' || x.outcome === 'already_confirmed').length;
  const refused = rows.length - waiting - confirmed;

  useEffect(() => {
    if (!watching) return;
    // However watching ends (all answered, nothing to watch, or time up), the list and its counts are re-read.
    const stop = () => {
      setWatching(false);
      invalidateOrderData(client);
    };
    if (waiting === 0 && (current.isSuccess || orderIds.length === 0)) return stop();
    const timer = setTimeout(stop, Math.max(0, request.startedAt + WATCH_MS - Date.now()));
    return () => clearTimeout(timer);
  }, [waiting, watching, current.isSuccess, orderIds.length, client, request.startedAt]);

  const mark: Record<Outcome, string> = { confirmed: '✓', already_confirmed: '✓', queued: '…', refused: '✕', not_found: '✕', failed: '✕' };
  return (
    <section className={`panel confirm-results${refused > 0 ? ' has-refused' : ''}`} data-testid="confirm-results" data-waiting={waiting} aria-live="polite">
      <header className="confirm-results-head">
        <h2>{t('orders.confirmResult.title', { count: rows.length })}</h2>
        <Button className="btn-small" type="button" onClick={onClose}>
          {t('orders.confirmResult.close')}
        </Button>
      </header>
      <p className="confirm-summary" data-testid="confirm-summary">
        {t('orders.confirmResult.summary', { confirmed, waiting, refused })}
      </p>
      <ul className="confirm-list">
        {rows.map(({ r, outcome, detail }) => {
          const line = request.lines[r.id];
          return (
            <li key={r.id} className={`confirm-item outcome-${outcome}`} data-testid="confirm-item" data-outcome={outcome} data-line={r.id}>
              <span className="confirm-mark" aria-hidden="true">
                {mark[outcome]}
              </span>
              {line ? (
                <Link to={orderPath(line.orderId)} className="mono">
                  {line.mallOrderNo}-{line.mallLineNo}
                </Link>
              ) : (
                <span className="mono">{r.id}</span>
              )}
              <span className="confirm-product">{line?.productName}</span>
              <span className="confirm-outcome">{t(`orders.confirmResult.${outcome}`)}</span>
              {detail && <span className="confirm-detail">{detail}</span>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
