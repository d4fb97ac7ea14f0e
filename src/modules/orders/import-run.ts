import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { newId, toIso } from '../../platform/db/dialect.ts';
import type { Db, DbOrTx } from '../../platform/db/schema.ts';
import type { Logger } from '../../platform/log/logger.ts';
import type { Outbox } from '../../platform/outbox/outbox.ts';
import {
  isMarketplaceError,
  type ChannelOrderLine,
  type Claim,
  type ConnectionContext,
  type ListableStatus,
  type MarketplaceAdapter,
  type TimeWindow,
} from '../../marketplaces/types.ts';
import type { ConnectionOptions } from '../connections/domain.ts';
import type { ImportSummary } from '../connections/api.ts';
import { eventForMallStatus, initialStatus, nextStatus, canTake, type LineStatus } from './domain.ts';
import { createOrderRepo, type LineEventsTable, type LineRow, type OrdersTable, type RunTrigger } from './repo.ts';
import { importSpan, isIndivisible, nextWindowWidth, planWindows, takeFront, widthAfterCap } from './windows.ts';
import type { CallRecord, WindowRecord } from './api.ts';

export const CONFIRM_KIND = 'orders.confirm';

export interface ImportConnection {
  id: string;
  sellerId: string;
  mall: string;
  options: ConnectionOptions;
}

export interface ImportSettings {
  overlapMs: number;
  leaseMs: number;
}

export interface ImportRunDeps {
  db: Db;
  log: Logger;
  outbox: Outbox;
  adapter: MarketplaceAdapter;
  context: ConnectionContext;
  settings: ImportSettings;
  now: () => Date;
  /** Stores the run's summary on the connection (connections.recordImport). */
  recordSummary: (summary: ImportSummary) => Promise<void>;
}

export type { CallRecord, WindowRecord } from './api.ts';

export interface ImportCounts {
  fetched: number;
  new: number;
  updated: number;
  unchanged: number;
  failed: number;
}

export interface ClaimCounts {
  requested: number;
  completed: number;
  withdrawn: number;
  flagged: number;
  cancelled: number;
}

class LeaseLost extends Error {
  constructor() {
    super('the import lease of this connection was lost (another process took over after it expired)');
    this.name = 'LeaseLost';
  }
}

const lineKey = (mallOrderNo: string, mallLineNo: string) => `${mallOrderNo}:${mallLineNo}`;

/** The product a confirmation is sent for: an add-on is confirmed with its main product. */
export const confirmProductOf = (line: { product_no: string; add_on_of_product_no: string | null }) => line.add_on_of_product_no ?? line.product_no;
export const confirmKey = (connectionId: string, deliveryNo: string, productNo: string) => `confirm:${connectionId}:${deliveryNo}:${productNo}`;

export interface ConfirmPayload {
  connectionId: string;
  deliveryNo: string;
  productNo: string;
  /** Who asked: 'auto' (import) or a user id (bulk confirm). */
  requestedBy: string;
}

function describe(err: unknown): { kind: string; code?: string; message: string } {
  if (isMarketplaceError(err)) {
    return { kind: err.kind, ...(err.mallCode ? { code: err.mallCode } : {}), message: err.mallMessage ? `${err.message} (${err.mallMessage})` : err.message };
  }
  return { kind: (err as Error)?.name ?? 'Error', message: (err as Error)?.message ?? String(err) };
}

function toRowMoney(m: { amount: number } | undefined): number | null {
  return m === undefined ? null : m.amount;
}

/**
 * Hash of the mall's record as stored: every mapped field comes from it, so equal hashes mean nothing
 * to write. (A hub upgrade that maps a field differently rewrites a line when the mall's record changes.)
 */
export function contentHash(rawJson: string): string {
  return createHash('sha1').update(rawJson).digest('hex');
}

/** What storeLines knows about a line beyond the mall's record. */
export interface LineRowContext {
  id: string;
  sellerId: string;
  connectionId: string;
  orderId: string;
  /** The mall's record as JSON, and its hash. */
  raw: string;
  hash: string;
  status: LineStatus;
  /** A pending cancel request of a line seen for the first time. */
  newClaim: Claim | undefined;
  at: string;
}

/** The order_lines row of a mall line; for a line already stored, only its mall-owned columns are written. */
export function lineRow(line: ChannelOrderLine, c: LineRowContext): LineRow {
  const claim = c.newClaim;
  const requested = c.status === 'cancel_requested';
  return {
    id: c.id,
    seller_id: c.sellerId,
    connection_id: c.connectionId,
    order_id: c.orderId,
    mall: line.mall,
    mall_order_no: line.mallOrderNo,
    mall_line_no: line.mallLineNo,
    delivery_no: line.deliveryNo,
    product_no: line.productNo,
    product_name: line.productName,
    option_text: line.optionText ?? null,
    option_stock_no: line.optionStockNo ?? null,
    seller_product_code: line.sellerProductCode ?? null,
    seller_stock_code: line.sellerStockCode ?? null,
    add_on_of_product_no: line.addOnOfProductNo ?? null,
    quantity: line.quantity,
    currency: line.orderAmount.currency,
    unit_price: line.unitPrice.amount,
    order_amount: line.orderAmount.amount,
    option_amount: toRowMoney(line.optionAmount),
    seller_discount: toRowMoney(line.sellerDiscount),
    mall_discount: toRowMoney(line.mallDiscount),
    shipping_fee: toRowMoney(line.shippingFee),
    paid_amount: toRowMoney(line.paidAmount),
    expected_settlement: toRowMoney(line.expectedSettlement),
    buyer_name: line.buyer.name ?? null,
    receiver_name: line.receiver.name ?? null,
    receiver_mobile: line.receiver.mobile ?? null,
    receiver_phone: line.receiver.phone ?? null,
    receiver_postal_code: line.receiver.address.postalCode ?? null,
    receiver_address: line.receiver.address.baseAddress ?? null,
    receiver_address_detail: line.receiver.address.detailAddress ?? null,
    memo: line.memo ?? null,
    mall_status: line.mallStatus,
    mall_status_code: line.mallStatusCode ?? null,
    ordered_at: line.orderedAt ?? null,
    paid_at: line.paidAt ?? line.orderedAt ?? c.at,
    mall_confirmed_at: line.confirmedAt ?? null,
    ship_by: line.shipBy ?? null,
    raw: c.raw,
    content_hash: c.hash,
    status: c.status,
    // The claim follows the status: a line first seen cancelled is a cancelled claim, pending request or not.
    claim: c.status === 'cancelled' ? 'cancelled' : requested ? 'cancel_requested' : null,
    claim_no: claim?.claimNo ?? null,
    claim_reason: claim ? (claim.reasonText ?? claim.reasonCode ?? null) : null,
    claim_requested_at: claim ? (claim.requestedAt ?? c.at) : null,
    status_before_claim: requested ? initialStatus(line.mallStatus, false) : null,
    confirm_error_code: null,
    confirm_error_message: null,
    action_error_code: null,
    action_error_message: null,
    created_at: c.at,
    updated_at: c.at,
  };
}

/** When the mall says each line was paid: the time its list windows are taken on. */
const rowTimes = (lines: ChannelOrderLine[]) => lines.map((l) => Date.parse(l.paidAt ?? l.orderedAt ?? '')).filter(Number.isFinite);

/** Later lists win: a line read as 202 and then as 301 within one window is stored as 301. */
function dedupe(lines: ChannelOrderLine[]): ChannelOrderLine[] {
  const byKey = new Map<string, ChannelOrderLine>();
  for (const l of lines) byKey.set(lineKey(l.mallOrderNo, l.mallLineNo), l);
  return [...byKey.values()];
}

/** Pending and completed claims as the run read them, by line. */
export interface ClaimSnapshot {
  pending: Map<string, Claim>;
  completed: Map<string, Claim>;
  window: TimeWindow;
}

/**
 * One import run of one connection: lease, claims, windows (split at the row cap), upserts with the
 * cursor moved in the same transaction, confirmation intents in the outbox, claims applied, run log.
 */
export function createImportRun(deps: ImportRunDeps) {
  const { db, log, adapter, context, settings } = deps;
  const repo = createOrderRepo();
  const nowIso = () => toIso(deps.now());

  return {
    async run(connection: ImportConnection, runId: string, trigger: RunTrigger, opts: { mallOrderNo?: string; signal?: AbortSignal } = {}): Promise<'succeeded' | 'failed' | 'skipped'> {
      const owner = `${hostname()}:${process.pid}:${runId}`;
      const leaseUntil = () => toIso(deps.now().getTime() + settings.leaseMs);
      const taken = await repo.takeLease(db, { connectionId: connection.id, sellerId: connection.sellerId, owner, until: leaseUntil(), now: nowIso() });
      if (!taken) {
        const state = await repo.getState(db, connection.id);
        await repo.updateRun(db, runId, {
          status: 'skipped',
          finished_at: nowIso(),
          error: `Another import of this connection is running (its lease lasts until ${state?.lease_until ?? '?'}); it covers the same orders.`,
        });
        log.info({ connection: connection.id, run: runId }, 'import skipped: another run holds the lease');
        return 'skipped';
      }

      const lost = new AbortController();
      const renew = setInterval(() => {
        repo
          .renewLease(db, connection.id, owner, leaseUntil(), nowIso())
          .then((ok) => {
            if (!ok) lost.abort(new LeaseLost());
          })
          .catch((err: unknown) => log.warn({ err, connection: connection.id }, 'import lease renewal failed'));
      }, Math.max(200, Math.floor(settings.leaseMs / 3)));
      const checkAborted = () => {
        if (lost.signal.aborted) throw new LeaseLost();
        if (opts.signal?.aborted) throw new Error(`the run was stopped: ${String((opts.signal.reason as Error)?.message ?? opts.signal.reason)}`);
      };

      const counts: ImportCounts = { fetched: 0, new: 0, updated: 0, unchanged: 0, failed: 0 };
      const claimCounts: ClaimCounts = { requested: 0, completed: 0, withdrawn: 0, flagged: 0, cancelled: 0 };
      const calls: CallRecord[] = [];
      const windows: WindowRecord[] = [];
      const errors: string[] = [];
      let cursorAfter: string | null = null;
      const state = await repo.getState(db, connection.id);
      const cursorBefore = state?.cursor ?? null;
      const startedAt = nowIso();

      const saveProgress = () =>
        repo.updateRun(db, runId, {
          windows: JSON.stringify(windows),
          calls: JSON.stringify(calls.slice(-500)),
          fetched: counts.fetched,
          new_lines: counts.new,
          updated_lines: counts.updated,
          unchanged_lines: counts.unchanged,
          failed_lines: counts.failed,
          claims: JSON.stringify(claimCounts),
          cursor_after: cursorAfter,
        });

      async function call<T>(record: Omit<CallRecord, 'at' | 'ms' | 'result'>, fn: () => Promise<T>, size: (t: T) => Partial<CallRecord>): Promise<T> {
        checkAborted();
        const at = nowIso();
        const started = performance.now();
        try {
          const out = await fn();
          calls.push({ ...record, at, ms: Math.round(performance.now() - started), result: 'ok', ...size(out) });
          return out;
        } catch (err) {
          const d = describe(err);
          calls.push({ ...record, at, ms: Math.round(performance.now() - started), result: 'error', kind: d.kind, ...(d.code ? { code: d.code } : {}), message: d.message });
          throw err;
        }
      }

      try {
        // A process that died mid-run left its run "running"; we hold the lease now, so it is over.
        await db
          .updateTable('import_runs')
          .set({ status: 'failed', error: 'Interrupted: the process running this import stopped before it finished; a later run picks up from the saved cursor.', finished_at: startedAt })
          .where('connection_id', '=', connection.id)
          .where('status', '=', 'running')
          .where('id', '!=', runId)
          .execute();
        await repo.updateRun(db, runId, { status: 'running', started_at: startedAt, cursor_before: cursorBefore, error: null });

        // Claims first: a new line with a pending cancel request is stored as such and never gets a confirmation intent.
        const claimWindow = { from: toIso(deps.now().getTime() - adapter.limits.maxClaimWindowMs + 60_000), to: toIso(deps.now()) };
        let claims: ClaimSnapshot | null = null;
        try {
          const requested = await call({ op: 'listCancelRequests', window: claimWindow }, () => adapter.listCancelRequests(context, claimWindow), (r) => ({ rows: r.length }));
          const completed = await call({ op: 'listCompletedCancels', window: claimWindow }, () => adapter.listCompletedCancels(context, claimWindow), (r) => ({ rows: r.length }));
          claims = {
            pending: new Map(requested.filter((c) => c.status === 'requested').map((c) => [lineKey(c.mallOrderNo, c.mallLineNo), c])),
            completed: new Map(completed.map((c) => [lineKey(c.mallOrderNo, c.mallLineNo), c])),
            window: claimWindow,
          };
          claimCounts.requested = claims.pending.size;
          claimCounts.completed = claims.completed.size;
        } catch (err) {
          if (err instanceof LeaseLost) throw err;
          errors.push(`Claims could not be read: ${describe(err).message}. Lines are imported; automatic confirmation waits for a run that reads the claims.`);
        }

        if (trigger === 'reimport') {
          const mallOrderNo = opts.mallOrderNo!;
          const lines = await call({ op: 'getOrder', mallOrderNo }, () => adapter.getOrder(context, mallOrderNo), (r) => ({ rows: r.length }));
          counts.fetched += lines.length;
          if (lines.length === 0) errors.push(`The mall does not know order ${mallOrderNo} (or it has no lines).`);
          await db.transaction().execute(async (tx) => {
            await storeLines(tx, connection, dedupe(lines), claims, counts, runId);
          });
        } else {
          const span = importSpan({ cursor: cursorBefore, now: deps.now(), overlapMs: settings.overlapMs, lookbackMs: connection.options.firstImportLookbackDays * 86_400_000 });
          await repo.updateRun(db, runId, { span_from: span.from, span_to: span.to });
          const pending = planWindows(span, adapter.limits.maxOrderWindowMs);
          const list = (status: ListableStatus, w: TimeWindow) =>
            call({ op: status === 'paid' ? 'listPaid' : 'listPreparing', window: w }, () => adapter.listOrderLines(context, status, w), (r) => ({ rows: r.lines.length, hitRowCap: r.hitRowCap }));
          // Width of the next window, learnt from the last one, so dense stretches are not read twice.
          let width = adapter.limits.maxOrderWindowMs;
          const target = Math.floor(adapter.limits.rowCap * 0.6);
          /** One window's answers: the paid list, and the preparing list unless the paid one hit the cap. */
          const read = async (w: TimeWindow) => {
            const paid = await list('paid', w);
            return { paid, preparing: paid.hitRowCap ? undefined : await list('preparing', w) };
          };
          let ahead: { window: TimeWindow; answer: ReturnType<typeof read> } | undefined;
          while (pending.length > 0) {
            const [w, rest] = takeFront(pending.shift()!, width);
            if (rest) pending.unshift(rest);
            const { paid, preparing } = await (ahead && ahead.window.from === w.from && ahead.window.to === w.to ? ahead.answer : read(w));
            ahead = undefined;
            if (paid.hitRowCap || preparing!.hitRowCap) {
              // The mall cut the answer at its row cap: read it again in narrower windows, so no line is left out.
              if (isIndivisible(w)) throw new Error(`More than ${adapter.limits.rowCap} lines in the one minute from ${w.from}: the mall cannot list them completely.`);
              windows.push({ ...w, paid: paid.lines.length, ...(preparing ? { preparing: preparing.lines.length } : {}), outcome: 'split' });
              width = widthAfterCap(w, rowTimes(paid.hitRowCap ? paid.lines : preparing!.lines), target);
              pending.unshift(w); // read again from its start, narrower
              continue;
            }
            const lines = dedupe([...paid.lines, ...preparing!.lines]);
            counts.fetched += lines.length;
            width = nextWindowWidth(w, rowTimes([...paid.lines, ...preparing!.lines]), target, adapter.limits.maxOrderWindowMs);
            if (pending.length > 0) {
              // Ask the mall for the next window while this one is stored; nothing of it is stored before this commit.
              const [next] = takeFront(pending[0]!, width);
              const answer = read(next);
              answer.catch(() => undefined); // awaited next round; dropped if this round fails
              ahead = { window: next, answer };
            }
            await db.transaction().execute(async (tx) => {
              await storeLines(tx, connection, lines, claims, counts, runId);
              // The cursor moves in the transaction that commits the rows it covers, and only while we hold the lease.
              if (!(await repo.moveCursor(tx, connection.id, owner, w.to, nowIso()))) throw new LeaseLost();
            });
            cursorAfter = w.to;
            windows.push({ ...w, paid: paid.lines.length, preparing: preparing!.lines.length, outcome: 'committed' });
            await saveProgress();
          }
        }
        if (claims) await applyClaims(connection, claims, claimCounts);
      } catch (err) {
        const d = describe(err);
        errors.push(d.code ? `${d.kind} ${d.code}: ${d.message}` : `${d.kind}: ${d.message}`);
        const failedWindow = calls.at(-1)?.window;
        if (failedWindow && calls.at(-1)?.result === 'error') windows.push({ ...failedWindow, outcome: 'failed' });
        log.warn({ connection: connection.id, run: runId, err: d }, 'import run failed');
      } finally {
        clearInterval(renew);
      }

      const failed = errors.length > 0;
      const finishedAt = nowIso();
      await saveProgress();
      await db
        .updateTable('import_runs')
        .set({ status: failed ? 'failed' : 'succeeded', error: failed ? errors.join('\n') : null, finished_at: finishedAt })
        .where('id', '=', runId)
        .where('status', '=', 'running')
        .execute();
      await repo.releaseLease(db, connection.id, owner, finishedAt).catch((err: unknown) => log.warn({ err }, 'could not release the import lease'));
      await deps
        .recordSummary({ runId, trigger, status: failed ? 'failed' : 'succeeded', startedAt, finishedAt, ...counts, claims: { ...claimCounts }, cursor: cursorAfter ?? cursorBefore, ...(failed ? { error: errors.join('\n') } : {}) })
        .catch((err: unknown) => log.warn({ err }, 'could not record the import summary'));
      if (counts.new + counts.updated > 0 || claimCounts.flagged + claimCounts.cancelled > 0) await deps.outbox.kick().catch(() => undefined);
      return failed ? 'failed' : 'succeeded';
    },
  };

  /** Upserts one batch of lines with their orders, timeline events and confirmation intents. */
  async function storeLines(tx: DbOrTx, connection: ImportConnection, lines: ChannelOrderLine[], claims: ClaimSnapshot | null, counts: ImportCounts, runId: string): Promise<void> {
    if (lines.length === 0) return;
    const at = nowIso();
    const stored = await repo.existingLines(tx, connection.id, lines.map((l) => l.mallOrderNo));
    const existing = new Map(stored.map((r) => [lineKey(r.mall_order_no, r.mall_line_no), r]));
    const storedOrders = new Set(stored.map((r) => r.mall_order_no));
    const changed: Array<{ line: ChannelOrderLine; raw: string; hash: string }> = [];
    for (const line of lines) {
      const raw = JSON.stringify(line.raw);
      const hash = contentHash(raw);
      const found = existing.get(lineKey(line.mallOrderNo, line.mallLineNo));
      if (found && found.content_hash === hash) counts.unchanged++;
      else changed.push({ line, raw, hash });
    }
    const events: LineEventsTable[] = [];

    if (changed.length > 0) {
      const orders = new Map<string, OrdersTable>();
      for (const { line } of changed) {
        if (orders.has(line.mallOrderNo)) continue;
        orders.set(line.mallOrderNo, {
          id: newId(),
          seller_id: connection.sellerId,
          connection_id: connection.id,
          mall: line.mall,
          mall_order_no: line.mallOrderNo,
          buyer_name: line.buyer.name ?? null,
          buyer_member_id: line.buyer.memberId ?? null,
          buyer_mobile: line.buyer.mobile ?? null,
          buyer_phone: line.buyer.phone ?? null,
          ordered_at: line.orderedAt ?? null,
          paid_at: line.paidAt ?? null,
          created_at: at,
          updated_at: at,
        });
      }
      // An order with none of its lines stored is new: a plain insert. Known ones get the mall's changes.
      const fresh = [...orders.values()].filter((o) => !storedOrders.has(o.mall_order_no));
      const known = [...orders.values()].filter((o) => storedOrders.has(o.mall_order_no));
      const orderIds = new Map([...(await repo.insertNewOrders(tx, fresh)), ...(await repo.upsertOrders(tx, known))]);
      const rows: LineRow[] = [];
      const statusMoves: Array<{ id: string; from: LineStatus; to: LineStatus; event: string; mallFrom: string; mallTo: string }> = [];
      for (const { line, raw, hash } of changed) {
        const key = lineKey(line.mallOrderNo, line.mallLineNo);
        const found = existing.get(key);
        const claim = claims?.pending.get(key);
        const id = found?.id ?? newId();
        const status = found ? found.status : initialStatus(line.mallStatus, claim !== undefined);
        rows.push(lineRow(line, { id, sellerId: connection.sellerId, connectionId: connection.id, orderId: orderIds.get(line.mallOrderNo)!, raw, hash, status, newClaim: found ? undefined : claim, at }));
        if (!found) {
          counts.new++;
          events.push(event(connection.sellerId, id, at, 'imported', null, status, { runId, mallStatus: line.mallStatus, mallStatusCode: line.mallStatusCode ?? null, ...(claim ? { claimNo: claim.claimNo } : {}) }));
        } else {
          counts.updated++;
          if (found.mall_status !== line.mallStatus) {
            const ev = eventForMallStatus(found.status, line.mallStatus);
            const to = ev ? nextStatus(found.status, ev, found.status_before_claim as LineStatus | null) : found.status;
            statusMoves.push({ id, from: found.status, to, event: ev ?? 'mallStatus', mallFrom: found.mall_status, mallTo: line.mallStatus });
          }
        }
      }
      await repo.upsertLines(tx, rows);
      for (const m of statusMoves) {
        if (m.to !== m.from) {
          const moved = await repo.moveStatus(tx, m.id, m.from, { status: m.to, updated_at: at, ...(m.to === 'cancelled' ? { claim: 'cancelled' } : {}) });
          if (!moved) continue;
        }
        events.push(event(connection.sellerId, m.id, at, m.to !== m.from ? 'status' : 'mall_status', m.from, m.to, { runId, event: m.event, mallStatus: { from: m.mallFrom, to: m.mallTo } }));
      }
    }

    if (connection.options.autoConfirm && claims !== null) {
      // Every line still waiting for confirmation gets an intent; the key makes a repeat a no-op. A line
      // whose cancel request this run has read but not yet recorded (applyClaims runs last) gets none.
      const paidOrders = lines.filter((l) => l.mallStatus === 'paid').map((l) => l.mallOrderNo);
      const confirmable = (await repo.awaitingConfirmation(tx, connection.id, paidOrders)).filter((l) => !claims.pending.has(lineKey(l.mall_order_no, l.mall_line_no)));
      const groups = new Map<string, ConfirmPayload>();
      for (const l of confirmable) {
        const productNo = confirmProductOf(l);
        groups.set(confirmKey(connection.id, l.delivery_no, productNo), { connectionId: connection.id, deliveryNo: l.delivery_no, productNo, requestedBy: 'auto' });
      }
      for (const [key, payload] of groups) await deps.outbox.add(tx, { kind: CONFIRM_KIND, key, sellerId: connection.sellerId, connectionId: connection.id, payload });
    }
    await repo.insertEvents(tx, events);
  }

  /** Flags lines with a pending cancel request, cancels lines whose cancel completed, and clears withdrawn requests. */
  async function applyClaims(connection: ImportConnection, claims: ClaimSnapshot, counts: ClaimCounts): Promise<void> {
    const at = nowIso();
    await db.transaction().execute(async (tx) => {
      const orderNos = [...new Set([...claims.pending.values(), ...claims.completed.values()].map((c) => c.mallOrderNo))];
      const candidates = await repo.linesOfOrders(tx, connection.id, orderNos);
      const flagged = await tx.selectFrom('order_lines').selectAll().where('connection_id', '=', connection.id).where('claim', '=', 'cancel_requested').execute();
      const lines = new Map([...candidates, ...flagged].map((l) => [lineKey(l.mall_order_no, l.mall_line_no), l]));
      const events: LineEventsTable[] = [];
      for (const [key, line] of lines) {
        const completed = claims.completed.get(key);
        const pending = claims.pending.get(key);
        const status = line.status;
        if (completed) {
          if (!canTake(status, 'cancelCompleted')) continue;
          if (await repo.moveStatus(tx, line.id, status, { status: 'cancelled', claim: 'cancelled', claim_no: completed.claimNo || line.claim_no, mall_status: 'cancelled', updated_at: at })) {
            counts.cancelled++;
            events.push(event(connection.sellerId, line.id, at, 'status', status, 'cancelled', { event: 'cancelCompleted', claimNo: completed.claimNo, reason: completed.reasonText ?? completed.reasonCode ?? null, requestedBy: completed.requestedBy }));
          }
        } else if (pending) {
          if (line.claim === 'cancel_requested') {
            if (line.claim_no !== pending.claimNo) await tx.updateTable('order_lines').set({ claim_no: pending.claimNo, claim_reason: pending.reasonText ?? pending.reasonCode ?? null, updated_at: at }).where('id', '=', line.id).execute();
            continue;
          }
          if (!canTake(status, 'cancelRequested')) continue;
          const moved = await repo.moveStatus(tx, line.id, status, {
            status: 'cancel_requested',
            claim: 'cancel_requested',
            claim_no: pending.claimNo,
            claim_reason: pending.reasonText ?? pending.reasonCode ?? null,
            claim_requested_at: pending.requestedAt ?? at,
            status_before_claim: status,
            updated_at: at,
          });
          if (moved) {
            counts.flagged++;
            events.push(event(connection.sellerId, line.id, at, 'status', status, 'cancel_requested', { event: 'cancelRequested', claimNo: pending.claimNo, reason: pending.reasonText ?? pending.reasonCode ?? null }));
          }
        } else if (line.claim === 'cancel_requested' && status === 'cancel_requested' && (line.claim_requested_at ?? at) >= claims.window.from) {
          // Neither pending nor completed any more: the buyer withdrew it (or the seller rejected it on the mall).
          const to = nextStatus(status, 'cancelWithdrawn', line.status_before_claim as LineStatus | null);
          if (await repo.moveStatus(tx, line.id, status, { status: to, claim: null, claim_no: null, claim_requested_at: null, status_before_claim: null, updated_at: at })) {
            counts.withdrawn++;
            events.push(event(connection.sellerId, line.id, at, 'status', status, to, { event: 'cancelWithdrawn', claimNo: line.claim_no }));
          }
        }
      }
      await repo.insertEvents(tx, events);
    });
  }
}

export function event(sellerId: string, lineId: string, at: string, kind: string, from: string | null, to: string | null, details: Record<string, unknown>, actor = 'import'): LineEventsTable {
  return { id: newId(), seller_id: sellerId, line_id: lineId, at, kind, from_status: from, to_status: to, actor, details: JSON.stringify(details) };
}
