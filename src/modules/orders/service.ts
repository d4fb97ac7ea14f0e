import { createHash } from 'node:crypto';
import { newId, toCount, toIso } from '../../platform/db/dialect.ts';
import type { Db } from '../../platform/db/schema.ts';
import { AppError, notFound } from '../../platform/http/errors.ts';
import type { Logger } from '../../platform/log/logger.ts';
import { OutboxPermanentError, type Outbox, type OutboxContext } from '../../platform/outbox/outbox.ts';
import type { JobQueue } from '../../platform/queue/queue.ts';
import type { MarketplaceRegistry } from '../../marketplaces/registry.ts';
import { isMarketplaceError, type MallId, type SaleRefusalReason } from '../../marketplaces/types.ts';
import { ownSellerId, sellerIdsOf, type RequestMeta, type SellerScope } from '../accounts/domain.ts';
import type { AccountService } from '../accounts/service.ts';
import type { ConnectionService } from '../connections/service.ts';
import type { ConnectionOptions } from '../connections/domain.ts';
import { canTake, IllegalTransition, nextStatus, type LineStatus } from './domain.ts';
import { CONFIRM_KIND, confirmKey, confirmProductOf, createImportRun, event, type ConfirmPayload, type ImportSettings } from './import-run.ts';
import { createOrderRepo, type LineRow, type RunRow, type RunTrigger } from './repo.ts';
import type { ConfirmResult, LineView, RunView } from './api.ts';

export const IMPORT_JOB = 'orders.import';
export const APPROVE_CANCEL_KIND = 'orders.approveCancel';
export const REFUSE_SALE_KIND = 'orders.refuseSale';
export const scheduleKey = (connectionId: string) => `orders.import:${connectionId}`;

export interface ImportJobPayload {
  connectionId: string;
  /** Set for Import now and re-import (the run row exists already); absent for scheduled runs. */
  runId?: string;
  mallOrderNo?: string;
}

export interface LineFilters {
  connectionId?: string;
  status?: LineStatus;
  mallStatus?: string;
  claim?: 'none' | 'cancel_requested' | 'cancelled' | 'any';
  q?: string;
  from?: string;
  to?: string;
  confirmFailed?: boolean;
}

export type { ConfirmResult, LineView, RunView } from './api.ts';

function toLineView(r: LineRow): LineView {
  return {
    id: r.id,
    orderId: r.order_id,
    connectionId: r.connection_id,
    mall: r.mall,
    mallOrderNo: r.mall_order_no,
    mallLineNo: r.mall_line_no,
    deliveryNo: r.delivery_no,
    productNo: r.product_no,
    productName: r.product_name,
    optionText: r.option_text,
    optionStockNo: r.option_stock_no,
    sellerProductCode: r.seller_product_code,
    sellerStockCode: r.seller_stock_code,
    addOnOfProductNo: r.add_on_of_product_no,
    quantity: Number(r.quantity),
    currency: r.currency,
    unitPrice: Number(r.unit_price),
    orderAmount: Number(r.order_amount),
    optionAmount: r.option_amount === null ? null : Number(r.option_amount),
    sellerDiscount: r.seller_discount === null ? null : Number(r.seller_discount),
    mallDiscount: r.mall_discount === null ? null : Number(r.mall_discount),
    shippingFee: r.shipping_fee === null ? null : Number(r.shipping_fee),
    paidAmount: r.paid_amount === null ? null : Number(r.paid_amount),
    expectedSettlement: r.expected_settlement === null ? null : Number(r.expected_settlement),
    buyerName: r.buyer_name,
    receiver: { name: r.receiver_name, mobile: r.receiver_mobile, phone: r.receiver_phone, postalCode: r.receiver_postal_code, address: r.receiver_address, addressDetail: r.receiver_address_detail },
    memo: r.memo,
    status: r.status,
    mallStatus: r.mall_status,
    mallStatusCode: r.mall_status_code,
    claim: r.claim ? { status: r.claim, claimNo: r.claim_no, reason: r.claim_reason, requestedAt: r.claim_requested_at } : null,
    confirmError: r.confirm_error_code ? { code: r.confirm_error_code, message: r.confirm_error_message } : null,
    actionError: r.action_error_code ? { code: r.action_error_code, message: r.action_error_message } : null,
    orderedAt: r.ordered_at,
    paidAt: r.paid_at,
    mallConfirmedAt: r.mall_confirmed_at,
    shipBy: r.ship_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toRunView(r: RunRow): RunView {
  return {
    id: r.id,
    connectionId: r.connection_id,
    trigger: r.trigger,
    status: r.status,
    mallOrderNo: r.mall_order_no,
    span: r.span_from && r.span_to ? { from: r.span_from, to: r.span_to } : null,
    cursorBefore: r.cursor_before,
    cursorAfter: r.cursor_after,
    counts: { fetched: r.fetched, new: r.new_lines, updated: r.updated_lines, unchanged: r.unchanged_lines, failed: r.failed_lines },
    claims: JSON.parse(r.claims) as Record<string, number>,
    windows: JSON.parse(r.windows) as unknown[],
    calls: JSON.parse(r.calls) as unknown[],
    error: r.error,
    requestedBy: r.requested_by,
    queuedAt: r.queued_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

const encodeCursor = (paidAt: string, id: string) => Buffer.from(JSON.stringify([paidAt, id])).toString('base64url');
function decodeCursor(cursor: string): [string, string] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string') return [v[0], v[1]];
  } catch {
    // fall through
  }
  throw new AppError('VALIDATION_FAILED', 400, 'cursor: expected the nextCursor of a previous page');
}


/** Spreads connections with the same interval over a few seconds, so they do not all call the mall at once. */
function jitterSeconds(connectionId: string, intervalSeconds: number): number {
  const spread = Math.max(1, Math.min(30, Math.floor(intervalSeconds / 10)));
  return createHash('sha1').update(connectionId).digest().readUInt16BE(0) % spread;
}

/**
 * Orders: import runs (scheduled, Import now, re-import of one order), the order list and order page,
 * confirmation (automatic via the import, manual in bulk), and the answers to cancel requests.
 * Every call that changes the mall goes through the outbox.
 */
export function createOrderService(deps: {
  db: Db;
  log: Logger;
  queue: JobQueue;
  outbox: Outbox;
  marketplaces: MarketplaceRegistry;
  connections: Pick<ConnectionService, 'get' | 'forImport' | 'listAllForScheduling' | 'recordImport' | 'contextFor'>;
  accounts: Pick<AccountService, 'recordAudit'>;
  settings: ImportSettings;
  clock?: { now(): Date };
}) {
  const { db, log, queue, outbox } = deps;
  const repo = createOrderRepo();
  const now = () => deps.clock?.now() ?? new Date();

  async function loadLine(scope: SellerScope, id: string): Promise<LineRow> {
    const line = await repo.lineById(db, sellerIdsOf(scope), id);
    if (!line) throw notFound('Order line');
    return line;
  }

  async function contextOf(connectionId: string) {
    const connection = await deps.connections.forImport(connectionId);
    if (!connection) throw new OutboxPermanentError('CONNECTION_DELETED', 'The connection was deleted; nothing can be sent to the mall for it.');
    const context = await deps.connections.contextFor([connection.sellerId], connection.id);
    return { connection, context, adapter: deps.marketplaces.get(connection.mall) };
  }

  async function queueRun(scope: SellerScope, connectionId: string, trigger: RunTrigger, mallOrderNo?: string): Promise<{ runId: string }> {
    const sellerId = ownSellerId(scope);
    await deps.connections.get(scope, connectionId); // 404 for another seller's connection
    const runId = newId();
    await repo.insertRun(db, emptyRun(runId, sellerId, connectionId, trigger, scope.userId, mallOrderNo));
    await queue.add(IMPORT_JOB, { connectionId, runId, ...(mallOrderNo ? { mallOrderNo } : {}) } satisfies ImportJobPayload, { key: `orders.import:run:${runId}`, attempts: 3 });
    return { runId };
  }

  function emptyRun(id: string, sellerId: string, connectionId: string, trigger: RunTrigger, requestedBy: string | null, mallOrderNo?: string): RunRow {
    return {
      id,
      seller_id: sellerId,
      connection_id: connectionId,
      trigger,
      status: 'queued',
      mall_order_no: mallOrderNo ?? null,
      span_from: null,
      span_to: null,
      cursor_before: null,
      cursor_after: null,
      windows: '[]',
      calls: '[]',
      fetched: 0,
      new_lines: 0,
      updated_lines: 0,
      unchanged_lines: 0,
      failed_lines: 0,
      claims: '{}',
      error: null,
      requested_by: requestedBy,
      queued_at: toIso(now()),
      started_at: null,
      finished_at: null,
    };
  }

  /** Marks the lines of one confirmation as confirmed (mall status 301), each with a timeline event. */
  async function markConfirmed(lines: LineRow[], details: Record<string, unknown>): Promise<void> {
    const at = toIso(now());
    await db.transaction().execute(async (tx) => {
      const events = [];
      for (const l of lines) {
        if (l.status !== 'new') continue;
        const moved = await repo.moveStatus(tx, l.id, 'new', {
          status: nextStatus('new', 'confirm'),
          mall_status: 'preparing',
          mall_status_code: '301',
          mall_confirmed_at: at,
          confirm_error_code: null,
          confirm_error_message: null,
          updated_at: at,
        });
        if (moved) events.push(event(l.seller_id, l.id, at, 'status', 'new', 'confirmed', { event: 'confirm', ...details }, 'mall'));
      }
      await repo.insertEvents(tx, events);
    });
  }

  async function markCancelRequested(lines: LineRow[], code: string, message: string, details: Record<string, unknown>): Promise<void> {
    const at = toIso(now());
    await db.transaction().execute(async (tx) => {
      const events = [];
      for (const l of lines) {
        if (l.status !== 'new' && l.status !== 'confirmed') continue;
        const moved = await repo.moveStatus(tx, l.id, l.status, {
          status: nextStatus(l.status, 'cancelRequested'),
          claim: 'cancel_requested',
          claim_requested_at: at,
          status_before_claim: l.status,
          confirm_error_code: code,
          confirm_error_message: message,
          updated_at: at,
        });
        if (moved) events.push(event(l.seller_id, l.id, at, 'status', l.status, 'cancel_requested', { event: 'cancelRequested', via: 'confirm', mallCode: code, mallMessage: message, ...details }, 'mall'));
      }
      await repo.insertEvents(tx, events);
    });
  }

  async function recordLineError(lines: LineRow[], column: 'confirm' | 'action', code: string, message: string, details: Record<string, unknown>): Promise<void> {
    const at = toIso(now());
    await db.transaction().execute(async (tx) => {
      await tx
        .updateTable('order_lines')
        .set(column === 'confirm' ? { confirm_error_code: code, confirm_error_message: message, updated_at: at } : { action_error_code: code, action_error_message: message, updated_at: at })
        .where('id', 'in', lines.map((l) => l.id))
        .execute();
      await repo.insertEvents(
        tx,
        lines.map((l) => event(l.seller_id, l.id, at, column === 'confirm' ? 'confirm_failed' : 'action_failed', l.status, l.status, { code, message, ...details }, 'mall')),
      );
    });
  }

  /** 발주확인 for one delivery number and product: the outbox handler. */
  async function sendConfirm(payload: ConfirmPayload, ctx: OutboxContext): Promise<void> {
    const group = await repo.confirmGroup(db, payload.connectionId, payload.deliveryNo, payload.productNo);
    const open = group.filter((l) => l.status === 'new');
    if (open.length === 0) return; // confirmed, cancelled or cancel-requested meanwhile: nothing to send
    if (group.some((l) => l.status === 'cancel_requested')) {
      await recordLineError(open, 'confirm', 'CANCEL_REQUESTED', 'Not confirmed: a line of this bundle and product has a pending cancel request; answer it first.', { outboxId: ctx.id });
      return;
    }
    const { context, adapter } = await contextOf(payload.connectionId);
    const main = open.find((l) => l.add_on_of_product_no === null) ?? open[0]!;
    const details = { outboxId: ctx.id, attempt: ctx.attempt, requestedBy: payload.requestedBy };
    try {
      const ack = await adapter.confirm(context, {
        mallOrderNo: main.mall_order_no,
        mallLineNo: main.mall_line_no,
        deliveryNo: main.delivery_no,
        productNo: main.product_no,
        ...(main.add_on_of_product_no ? { addOnOfProductNo: main.add_on_of_product_no } : {}),
      });
      await markConfirmed(open, { ...details, mallCode: ack.mallCode, mallMessage: ack.mallMessage });
    } catch (err) {
      if (!isMarketplaceError(err)) throw err;
      const code = err.mallCode ?? err.kind;
      const message = err.mallMessage ?? err.message;
      if (err.kind === 'already_done') {
        // 11st answers -3206 both for "already confirmed" and "nothing to confirm": read the lines' real status before deciding.
        await settleFromMall(open, context, adapter, details, code, message);
        return;
      }
      if (err.kind === 'order_changed' || err.kind === 'cancel_pending') {
        await markCancelRequested(open, code, message, details);
        return;
      }
      if (err.retryable) throw err;
      await recordLineError(open, 'confirm', code, message, details);
      throw new OutboxPermanentError(code, message);
    }
  }

  async function settleFromMall(open: LineRow[], context: Awaited<ReturnType<typeof contextOf>>['context'], adapter: Awaited<ReturnType<typeof contextOf>>['adapter'], details: Record<string, unknown>, code: string, message: string): Promise<void> {
    const onMall = new Map<string, string>();
    for (const orderNo of new Set(open.map((l) => l.mall_order_no))) {
      for (const l of await adapter.getOrder(context, orderNo)) onMall.set(`${l.mallOrderNo}:${l.mallLineNo}`, l.mallStatus);
    }
    const confirmed = open.filter((l) => {
      const s = onMall.get(`${l.mall_order_no}:${l.mall_line_no}`);
      return s !== undefined && s !== 'paid' && s !== 'cancelled' && s !== 'unknown';
    });
    const cancelled = open.filter((l) => onMall.get(`${l.mall_order_no}:${l.mall_line_no}`) === 'cancelled');
    const still = open.filter((l) => !confirmed.includes(l) && !cancelled.includes(l));
    if (confirmed.length > 0) await markConfirmed(confirmed, { ...details, mallCode: code, mallMessage: message, settledBy: 'getOrder' });
    if (cancelled.length > 0) {
      const at = toIso(now());
      await db.transaction().execute(async (tx) => {
        for (const l of cancelled) {
          if (await repo.moveStatus(tx, l.id, 'new', { status: 'cancelled', claim: 'cancelled', mall_status: 'cancelled', updated_at: at })) {
            await repo.insertEvents(tx, [event(l.seller_id, l.id, at, 'status', 'new', 'cancelled', { event: 'cancelCompleted', via: 'confirm', mallCode: code }, 'mall')]);
          }
        }
      });
    }
    if (still.length > 0) {
      const text = `The mall answered ${code} (${message}) but still shows the line as payment complete.`;
      await recordLineError(still, 'confirm', code, text, details);
      throw new OutboxPermanentError(code, text);
    }
  }

  /** The import schedule a connection should have (none when it is gone, disabled or imports by hand only). */
  async function applySchedule(connectionId: string, c: { enabled: boolean; options: ConnectionOptions } | undefined): Promise<void> {
    if (!c || !c.enabled || !c.options.autoImport) {
      await queue.unschedule(scheduleKey(connectionId));
      return;
    }
    const seconds = c.options.importIntervalMinutes * 60;
    await queue.schedule(scheduleKey(connectionId), IMPORT_JOB, { connectionId } satisfies ImportJobPayload, seconds + jitterSeconds(connectionId, seconds));
  }

  /**
   * One mall action for one line, under the outbox's rules: done or already done gives the mall's
   * answer; a retryable failure is thrown for the outbox to retry; any other is kept on the line and
   * ends the intent.
   */
  async function lineAction<T extends { mallCode: string; mallMessage: string } | null>(line: LineRow, action: string, ctx: OutboxContext, send: () => Promise<T>): Promise<T | { mallCode: string; mallMessage: string }> {
    try {
      return await send();
    } catch (err) {
      if (!isMarketplaceError(err)) throw err;
      if (err.kind === 'already_done') return { mallCode: err.mallCode ?? 'already_done', mallMessage: err.mallMessage ?? err.message };
      if (err.retryable) throw err;
      const code = err.mallCode ?? err.kind;
      await recordLineError([line], 'action', code, err.mallMessage ?? err.message, { outboxId: ctx.id, action });
      throw new OutboxPermanentError(code, err.mallMessage ?? err.message);
    }
  }

  async function sendApproveCancel(payload: { lineId: string; claimNo: string }, ctx: OutboxContext): Promise<void> {
    const line = await repo.lineById(db, [ctx.sellerId], payload.lineId);
    if (!line || line.status !== 'cancel_requested') return;
    const { context, adapter } = await contextOf(line.connection_id);
    const ack = await lineAction(line, 'approveCancel', ctx, () => adapter.approveCancel(context, { claimNo: payload.claimNo, mallOrderNo: line.mall_order_no, mallLineNo: line.mall_line_no }));
    const at = toIso(now());
    await db.transaction().execute(async (tx) => {
      const to = nextStatus('cancel_requested', 'cancelApproved');
      if (await repo.moveStatus(tx, line.id, 'cancel_requested', { status: to, claim: 'cancelled', mall_status: 'cancelled', action_error_code: null, action_error_message: null, updated_at: at })) {
        await repo.insertEvents(tx, [event(line.seller_id, line.id, at, 'status', 'cancel_requested', to, { event: 'cancelApproved', claimNo: payload.claimNo, outboxId: ctx.id, ...ack }, 'mall')]);
      }
    });
  }

  async function sendRefuseSale(payload: { lineId: string; reasonCode: SaleRefusalReason; reason: string }, ctx: OutboxContext): Promise<void> {
    const line = await repo.lineById(db, [ctx.sellerId], payload.lineId);
    if (!line || !canTake(line.status, 'saleRefused')) return;
    const { context, adapter } = await contextOf(line.connection_id);
    const ack = await lineAction(line, 'refuseSale', ctx, async () => {
      try {
        return await adapter.refuseSale(context, { mallOrderNo: line.mall_order_no, mallLineNo: line.mall_line_no, reason: payload.reasonCode, detail: payload.reason });
      } catch (err) {
        // The buyer asked to cancel meanwhile: the line becomes a cancel request, nothing to refuse.
        if (!isMarketplaceError(err) || (err.kind !== 'cancel_pending' && err.kind !== 'order_changed')) throw err;
        await markCancelRequested([line], err.mallCode ?? err.kind, err.mallMessage ?? err.message, { outboxId: ctx.id, action: 'refuseSale' });
        return null;
      }
    });
    if (!ack) return;
    const at = toIso(now());
    await db.transaction().execute(async (tx) => {
      const to = nextStatus(line.status, 'saleRefused');
      if (
        await repo.moveStatus(tx, line.id, line.status, {
          status: to,
          claim: 'cancelled',
          claim_reason: `${payload.reasonCode}: ${payload.reason}`,
          mall_status: 'cancelled',
          action_error_code: null,
          action_error_message: null,
          updated_at: at,
        })
      ) {
        await repo.insertEvents(tx, [event(line.seller_id, line.id, at, 'status', line.status, to, { event: 'saleRefused', reasonCode: payload.reasonCode, reason: payload.reason, outboxId: ctx.id, ...ack }, 'mall')]);
      }
    });
  }

  function filtered(scope: SellerScope, f: LineFilters) {
    let q = db.selectFrom('order_lines').where('seller_id', 'in', sellerIdsOf(scope));
    if (f.connectionId) q = q.where('connection_id', '=', f.connectionId);
    if (f.mallStatus) q = q.where('mall_status', '=', f.mallStatus);
    if (f.claim === 'none') q = q.where('claim', 'is', null);
    else if (f.claim === 'any') q = q.where('claim', 'is not', null);
    else if (f.claim) q = q.where('claim', '=', f.claim);
    if (f.confirmFailed) q = q.where('confirm_error_code', 'is not', null);
    if (f.from) q = q.where('paid_at', '>=', f.from);
    if (f.to) q = q.where('paid_at', '<', f.to);
    if (f.q) {
      const text = f.q.trim();
      const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const digits = text.replace(/\D/g, '');
      q = q.where((eb) =>
        eb.or([
          eb('mall_order_no', '=', text),
          eb('receiver_name', 'like', like),
          ...(digits.length >= 3 ? [eb('receiver_mobile', 'like', `%${digits}%`), eb('receiver_phone', 'like', `%${digits}%`), eb('receiver_mobile', 'like', like), eb('receiver_phone', 'like', like)] : []),
        ]),
      );
    }
    return q;
  }

  return {
    /** Import now: answers at once with the run id; the run happens in a job. */
    importNow: (scope: SellerScope, connectionId: string) => queueRun(scope, connectionId, 'manual'),

    /** Re-imports one order by its mall order number (every line, whatever its status). */
    reimport: (scope: SellerScope, connectionId: string, mallOrderNo: string) => queueRun(scope, connectionId, 'reimport', mallOrderNo),

    /** The job: one run of one connection. Scheduled runs of a connection that is gone, disabled or manual-only remove their schedule. */
    async runImportJob(payload: ImportJobPayload, signal?: AbortSignal): Promise<void> {
      const connection = await deps.connections.forImport(payload.connectionId);
      if (!connection) {
        await queue.unschedule(scheduleKey(payload.connectionId));
        if (payload.runId) await repo.updateRun(db, payload.runId, { status: 'failed', error: 'The connection was deleted.', finished_at: toIso(now()) });
        return;
      }
      if (!payload.runId && (!connection.enabled || !connection.options.autoImport)) {
        await queue.unschedule(scheduleKey(connection.id));
        return;
      }
      const trigger: RunTrigger = payload.mallOrderNo ? 'reimport' : payload.runId ? 'manual' : 'schedule';
      const leaseBusy = async () => {
        const state = await repo.getState(db, connection.id);
        return state?.lease_until != null && state.lease_until >= toIso(now());
      };
      // A scheduled tick while another run holds the lease has nothing to add: that run covers the same orders.
      if (trigger === 'schedule' && (await leaseBusy())) return;
      const runId = payload.runId ?? newId();
      if (!payload.runId) await repo.insertRun(db, emptyRun(runId, connection.sellerId, connection.id, 'schedule', null));
      else {
        const existing = await db.selectFrom('import_runs').select('status').where('id', '=', runId).executeTakeFirst();
        if (existing && existing.status !== 'queued' && existing.status !== 'running') return; // finished on an earlier attempt
      }
      const context = await deps.connections.contextFor([connection.sellerId], connection.id);
      const importRun = createImportRun({
        db,
        log,
        outbox,
        adapter: deps.marketplaces.get(connection.mall),
        context,
        settings: deps.settings,
        now,
        recordSummary: (summary) => deps.connections.recordImport(connection.id, summary),
      });
      // Someone pressed Import now: wait out a lease left by a process that died, rather than skip at once.
      const deadline = Date.now() + (trigger === 'schedule' ? 0 : deps.settings.leaseMs + 1000);
      for (;;) {
        if (!(await leaseBusy()) || Date.now() >= deadline || signal?.aborted) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      const result = await importRun.run(connection, runId, trigger, { ...(payload.mallOrderNo ? { mallOrderNo: payload.mallOrderNo } : {}), ...(signal ? { signal } : {}) });
      log.info({ connection: connection.id, run: runId, trigger, result }, 'import run finished');
    },

    /** Keeps one connection's schedule in step with its enabled flag, automatic import and interval. */
    async syncSchedule(connectionId: string): Promise<void> {
      await applySchedule(connectionId, await deps.connections.forImport(connectionId));
    },

    async syncAllSchedules(): Promise<void> {
      for (const c of await deps.connections.listAllForScheduling()) await applySchedule(c.id, c);
    },

    async listRuns(scope: SellerScope, connectionId: string, limit = 20): Promise<RunView[]> {
      await deps.connections.get(scope, connectionId);
      return (await repo.listRuns(db, sellerIdsOf(scope), connectionId, Math.min(Math.max(limit, 1), 100))).map(toRunView);
    },

    async getRun(scope: SellerScope, id: string): Promise<RunView> {
      const run = await repo.getRun(db, sellerIdsOf(scope), id);
      if (!run) throw notFound('Import run');
      return toRunView(run);
    },

    /** Newest payment first; keyset pagination on (paid_at, id), so page 1,000 costs what page 1 costs. */
    async listLines(scope: SellerScope, f: LineFilters & { cursor?: string; limit?: number }): Promise<{ items: LineView[]; nextCursor: string | null }> {
      const limit = Math.min(Math.max(f.limit ?? 50, 1), 500);
      let q = filtered(scope, f).selectAll();
      if (f.status) q = q.where('status', '=', f.status);
      if (f.cursor) {
        const [paidAt, id] = decodeCursor(f.cursor);
        q = q.where((eb) => eb.or([eb('paid_at', '<', paidAt), eb.and([eb('paid_at', '=', paidAt), eb('id', '<', id)])]));
      }
      const rows = await q.orderBy('paid_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return { items: page.map(toLineView), nextCursor: rows.length > limit && last ? encodeCursor(last.paid_at, last.id) : null };
    },

    /** Lines per hub status under the same filters (the list's tabs). */
    async countLines(scope: SellerScope, f: LineFilters): Promise<{ total: number; byStatus: Record<LineStatus, number> }> {
      const rows = await filtered(scope, f)
        .select(['status', (eb) => eb.fn.countAll().as('n')])
        .groupBy('status')
        .execute();
      const byStatus: Record<LineStatus, number> = { new: 0, confirmed: 0, cancel_requested: 0, cancelled: 0 };
      for (const r of rows) byStatus[r.status] = toCount(r.n as string | number);
      return { total: Object.values(byStatus).reduce((a, b) => a + b, 0), byStatus };
    },

    /** The order page: the order, its lines, the other lines of their bundles, the timeline and the raw records. */
    async getOrder(scope: SellerScope, id: string) {
      const ids = sellerIdsOf(scope);
      const order = await db.selectFrom('orders').selectAll().where('id', '=', id).where('seller_id', 'in', ids).executeTakeFirst();
      if (!order) throw notFound('Order');
      const lines = await db.selectFrom('order_lines').selectAll().where('order_id', '=', id).where('seller_id', 'in', ids).orderBy('mall_line_no').execute();
      const deliveryNos = [...new Set(lines.map((l) => l.delivery_no))];
      const bundleLines =
        deliveryNos.length === 0
          ? []
          : await db
              .selectFrom('order_lines')
              .select(['id', 'order_id', 'mall_order_no', 'mall_line_no', 'delivery_no', 'product_name', 'status'])
              .where('connection_id', '=', order.connection_id)
              .where('delivery_no', 'in', deliveryNos)
              .where('seller_id', 'in', ids)
              .execute();
      const events =
        lines.length === 0
          ? []
          : await db
              .selectFrom('line_events')
              .selectAll()
              .where('line_id', 'in', lines.map((l) => l.id))
              .where('seller_id', 'in', ids)
              .orderBy('at')
              .orderBy('id')
              .execute();
      return {
        id: order.id,
        connectionId: order.connection_id,
        mall: order.mall as MallId,
        mallOrderNo: order.mall_order_no,
        buyer: { name: order.buyer_name, memberId: order.buyer_member_id, mobile: order.buyer_mobile, phone: order.buyer_phone },
        orderedAt: order.ordered_at,
        paidAt: order.paid_at,
        createdAt: order.created_at,
        updatedAt: order.updated_at,
        lines: lines.map((l) => ({ ...toLineView(l), raw: JSON.parse(l.raw) as Record<string, string> })),
        bundles: deliveryNos.map((deliveryNo) => ({
          deliveryNo,
          lines: bundleLines
            .filter((b) => b.delivery_no === deliveryNo)
            .map((b) => ({ id: b.id, orderId: b.order_id, mallOrderNo: b.mall_order_no, mallLineNo: b.mall_line_no, productName: b.product_name, status: b.status })),
        })),
        events: events.map((e) => ({ id: e.id, lineId: e.line_id, at: e.at, kind: e.kind, from: e.from_status, to: e.to_status, actor: e.actor, details: JSON.parse(e.details) as Record<string, unknown> })),
      };
    },

    /** Bulk confirm, whatever the automatic option says: one outbox intent per delivery number and product. */
    async confirm(scope: SellerScope, ids: string[], request?: RequestMeta): Promise<ConfirmResult[]> {
      ownSellerId(scope);
      const unique = [...new Set(ids)];
      if (unique.length === 0) return [];
      const lines = new Map((await db.selectFrom('order_lines').selectAll().where('id', 'in', unique).where('seller_id', 'in', sellerIdsOf(scope)).execute()).map((l) => [l.id, l]));
      const results: ConfirmResult[] = [];
      const queued: LineRow[] = [];
      for (const id of unique) {
        const line = lines.get(id);
        if (!line) results.push({ id, result: 'not_found', message: 'Order line not found' });
        else if (line.status === 'cancel_requested') results.push({ id, result: 'refused', reason: 'CANCEL_REQUESTED', message: 'The buyer asked to cancel this line: approve the cancel or wait for it to be withdrawn; it cannot be confirmed.' });
        else if (line.status === 'cancelled') results.push({ id, result: 'refused', reason: 'CANCELLED', message: 'This line is cancelled; it cannot be confirmed.' });
        else if (line.status !== 'new') results.push({ id, result: 'already_confirmed' });
        else {
          queued.push(line);
          results.push({ id, result: 'queued' });
        }
      }
      if (queued.length === 0) return results;
      // One confirmation per delivery number and product, however many of its lines were asked for.
      const groups = new Map<string, { line: LineRow; payload: ConfirmPayload }>();
      for (const line of queued) {
        const productNo = confirmProductOf(line);
        const key = confirmKey(line.connection_id, line.delivery_no, productNo);
        if (!groups.has(key)) groups.set(key, { line, payload: { connectionId: line.connection_id, deliveryNo: line.delivery_no, productNo, requestedBy: scope.userId } });
      }
      await db.transaction().execute(async (tx) => {
        // A write first: see outbox.add on SQLite's write lock.
        await tx.updateTable('order_lines').set({ confirm_error_code: null, confirm_error_message: null }).where('id', 'in', queued.map((l) => l.id)).execute();
        // An earlier intent of the group that ended without confirming (failed, or held back) is reopened, never duplicated.
        for (const [key, { line, payload }] of groups) await outbox.add(tx, { kind: CONFIRM_KIND, key, sellerId: line.seller_id, connectionId: line.connection_id, payload }, { reopen: true });
        await deps.accounts.recordAudit(scope, 'orders.confirm_requested', null, { lines: queued.map((l) => l.id) }, { ...(request ? { request } : {}), db: tx });
      });
      await outbox.kick();
      return results;
    },

    /** 취소승인: the seller accepts the buyer's cancel request (sent through the outbox). */
    async approveCancel(scope: SellerScope, id: string, request?: RequestMeta): Promise<{ id: string; result: 'queued' }> {
      ownSellerId(scope);
      const line = await loadLine(scope, id);
      if (line.status !== 'cancel_requested') throw new AppError('NO_CANCEL_REQUEST', 409, `This line has no pending cancel request (status ${line.status}).`, { status: line.status }, 'orders.errors.noCancelRequest');
      if (!line.claim_no) throw new AppError('CLAIM_NOT_READ', 409, 'The mall’s claim number of this cancel request is not known yet: run Import now, then approve.', undefined, 'orders.errors.claimNotRead');
      const at = toIso(now());
      await db.transaction().execute(async (tx) => {
        await outbox.add(tx, {
          kind: APPROVE_CANCEL_KIND,
          key: `approve-cancel:${line.connection_id}:${line.mall_order_no}:${line.mall_line_no}:${line.claim_no}`,
          sellerId: line.seller_id,
          connectionId: line.connection_id,
          payload: { lineId: line.id, claimNo: line.claim_no },
        });
        await repo.insertEvents(tx, [event(line.seller_id, line.id, at, 'cancel_approval_requested', line.status, line.status, { claimNo: line.claim_no }, scope.userId)]);
        await deps.accounts.recordAudit(scope, 'orders.cancel_approved', { type: 'order_line', id: line.id }, { mallOrderNo: line.mall_order_no, mallLineNo: line.mall_line_no, claimNo: line.claim_no }, { ...(request ? { request } : {}), db: tx });
      });
      await outbox.kick();
      return { id, result: 'queued' };
    },

    /** 판매불가: the seller refuses the sale of a line with a reason (sent through the outbox). */
    async refuseSale(scope: SellerScope, id: string, input: { reasonCode: SaleRefusalReason; reason: string }, request?: RequestMeta): Promise<{ id: string; result: 'queued' }> {
      ownSellerId(scope);
      const line = await loadLine(scope, id);
      if (line.status === 'cancel_requested') throw new AppError('CANCEL_REQUESTED', 409, 'The buyer asked to cancel this line: approve the cancel request instead of refusing the sale.', undefined, 'orders.errors.cancelRequested');
      if (!canTake(line.status, 'saleRefused')) throw new IllegalTransition(line.status, 'saleRefused');
      const at = toIso(now());
      await db.transaction().execute(async (tx) => {
        await outbox.add(tx, {
          kind: REFUSE_SALE_KIND,
          key: `refuse-sale:${line.connection_id}:${line.mall_order_no}:${line.mall_line_no}`,
          sellerId: line.seller_id,
          connectionId: line.connection_id,
          payload: { lineId: line.id, reasonCode: input.reasonCode, reason: input.reason },
        });
        await repo.insertEvents(tx, [event(line.seller_id, line.id, at, 'sale_refusal_requested', line.status, line.status, { reasonCode: input.reasonCode, reason: input.reason }, scope.userId)]);
        await deps.accounts.recordAudit(scope, 'orders.sale_refused', { type: 'order_line', id: line.id }, { mallOrderNo: line.mall_order_no, mallLineNo: line.mall_line_no, reasonCode: input.reasonCode }, { ...(request ? { request } : {}), db: tx });
      });
      await outbox.kick();
      return { id, result: 'queued' };
    },

    /** Outbox handlers: registered in every process (the dispatcher runs where jobs run). */
    registerOutboxHandlers(): void {
      outbox.register<ConfirmPayload>(CONFIRM_KIND, sendConfirm);
      outbox.register<{ lineId: string; claimNo: string }>(APPROVE_CANCEL_KIND, sendApproveCancel);
      outbox.register<{ lineId: string; reasonCode: SaleRefusalReason; reason: string }>(REFUSE_SALE_KIND, sendRefuseSale);
    },

    /** The dashboard's counts of unprocessed order work. */
    dashboardCounts: {
      toConfirm: (scope: SellerScope) => countWhere(scope, 'new', false),
      confirmFailed: (scope: SellerScope) => countWhere(scope, 'new', true),
      cancelRequested: (scope: SellerScope) => countWhere(scope, 'cancel_requested'),
    },
  };

  async function countWhere(scope: SellerScope, status: LineStatus, confirmFailed?: boolean): Promise<number> {
    let q = db.selectFrom('order_lines').where('seller_id', 'in', sellerIdsOf(scope)).where('status', '=', status);
    if (confirmFailed !== undefined) q = q.where('confirm_error_code', confirmFailed ? 'is not' : 'is', null);
    const row = await q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
    return toCount(row?.n as string | number | undefined);
  }
}
export type OrderService = ReturnType<typeof createOrderService>;
