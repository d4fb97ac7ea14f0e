/** The MarketplaceAdapter for 11st: client (HTTP) + codec (bytes ⇄ records) + mapper (records ⇄ hub). */
import {
  MarketplaceError,
  type ChannelOrderLine,
  type Claim,
  type ConnectionContext,
  type LineRef,
  type MallAck,
  type MallLineStatus,
  type MarketplaceAdapter,
  type MarketplaceErrorKind,
  type ShippingMethod,
  type TimeWindow,
} from '../types.ts';
import { createElevenstClient, isRetryableResponse, type ElevenstClient, type ElevenstClientOptions, type ElevenstConnection, type ElevenstRequest, type RawResponse } from './client.ts';
import {
  CodecError,
  decodeActionResult,
  decodeClaimList,
  decodeClientMessage,
  decodeOrderList,
  decodeProductStocks,
  decodeProducts,
  encodeStockUpdate,
  peekResult,
  type ActionOutcome,
  type Answer,
  type ListOutcome,
  type MallFailure,
} from './codec.ts';
import { carrierCodeById, errorKindFor, rejectShipMethodCode, saleRefusalReasonCode, shipMethodCode, type Operation } from './codes.ts';
import { elevenstCredentialsSchema } from './credentials.ts';
import { toChannelOrderLine, toClaim, toListing, toListingOption, utcIsoToKstDay, utcIsoToKstMinute, windowToKstMinutes } from './mapper.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
export const elevenstLimits = { maxOrderWindowMs: 7 * DAY_MS, maxClaimWindowMs: 30 * DAY_MS, rowCap: 3000 } as const;

export interface ElevenstAdapterOptions extends ElevenstClientOptions {
  /** A ready client (tests); otherwise one is built from the client options. */
  client?: ElevenstClient;
  /** Milliseconds since the epoch; default Date.now. */
  now?: () => number;
  /**
   * Refuse over-long windows before calling (default true). The mall's own window check is unsure
   * (one report says it silently answers 0 rows), so the adapter does not rely on it.
   */
  checkWindowsLocally?: boolean;
}

const mall = '11st' as const;

function err(kind: MarketplaceErrorKind, operation: string, message: string, extra: Partial<ConstructorParameters<typeof MarketplaceError>[2]> = {}) {
  return new MarketplaceError(kind, `11st ${operation}: ${message}`, { mall, operation, ...extra });
}

function failureError(operation: Operation, failure: MallFailure, httpStatus: number): MarketplaceError {
  const kind = errorKindFor(operation, failure.code, failure.message);
  return err(kind, operation, `[${failure.code}] ${failure.message}`, {
    mallCode: failure.code,
    mallMessage: failure.message,
    httpStatus,
    ...(failure.callerIp ? { callerIp: failure.callerIp } : {}),
  });
}

/** An answer send() could read. */
type ReadResponse = RawResponse & { answer: Answer };

const trackingPattern = /^[A-Za-z0-9]{1,40}$/;

/** Where a line stands once a sale refusal was applied, and once a cancel rejection (ship anyway) was. */
const cancelledStates: ReadonlySet<MallLineStatus> = new Set(['cancelled']);
const shippedStates: ReadonlySet<MallLineStatus> = new Set(['shipped', 'delivered', 'purchase_confirmed']);

export function createElevenstAdapter(options: ElevenstAdapterOptions = {}): MarketplaceAdapter {
  const client = options.client ?? createElevenstClient(options);
  const now = options.now ?? Date.now;
  const checkWindows = options.checkWindowsLocally ?? true;

  function connection(ctx: ConnectionContext, operation: string): ElevenstConnection {
    const parsed = elevenstCredentialsSchema.safeParse(ctx.credentials);
    if (!parsed.success) {
      throw err('invalid_api_key', operation, `connection ${ctx.connectionId} has no usable 11st credentials: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    }
    if (ctx.baseUrl !== undefined && !/^https?:\/\/[^/\s]+/i.test(ctx.baseUrl)) {
      throw err('bad_request', operation, `connection ${ctx.connectionId} has an unusable base URL ${JSON.stringify(ctx.baseUrl)}`);
    }
    return { connectionId: ctx.connectionId, apiKey: parsed.data.apiKey, ...(ctx.baseUrl ? { baseUrl: ctx.baseUrl } : {}) };
  }

  /** Sends one request; turns unreadable answers into typed errors before the caller decodes. */
  async function send(ctx: ConnectionContext, operation: Operation, req: Omit<ElevenstRequest, 'operation'>): Promise<ReadResponse> {
    const res = await client.request(connection(ctx, operation), { operation, ...req });
    if (res.answer === undefined || peekResult(res.answer) === undefined) {
      // The client's retry rule decides, so "worth another try" and "transient" cannot drift apart.
      const kind = isRetryableResponse(res.status, res.answer) ? 'transient' : 'unknown';
      throw err(kind, operation, `unreadable answer (HTTP ${res.status}, ${res.bytes.byteLength} bytes)`, { httpStatus: res.status });
    }
    return { ...res, answer: res.answer };
  }

  /** Runs a decoder; a shape the codec cannot read fails this call and nothing else. */
  function decode<T>(operation: Operation, res: ReadResponse, fn: (answer: Answer) => T): T {
    try {
      return fn(res.answer);
    } catch (e) {
      if (e instanceof CodecError) throw err('unknown', operation, `unexpected answer: ${e.message}`, { httpStatus: res.status, cause: e });
      throw e;
    }
  }

  /** Sends a change to the mall (sent once, see ElevenstRequest.mutating) and reads its verdict. */
  async function act(
    ctx: ConnectionContext,
    operation: Operation,
    req: Omit<ElevenstRequest, 'operation' | 'mutating'>,
    decoder: (answer: Answer) => ActionOutcome = decodeActionResult,
  ): Promise<MallAck> {
    const res = await send(ctx, operation, { ...req, mutating: true });
    const outcome = decode(operation, res, decoder);
    if (outcome.kind === 'failure') throw failureError(operation, outcome.failure, res.status);
    return { mallCode: outcome.code, mallMessage: outcome.message };
  }

  /** A list answer's rows mapped to the hub's types; [] when the mall found nothing, an error when it refused. */
  function rowsOf<R, T>(operation: Operation, res: ReadResponse, decoder: (answer: Answer) => ListOutcome<R>, map: (row: R) => T): T[] {
    const outcome = decode(operation, res, decoder);
    if (outcome.kind === 'failure') throw failureError(operation, outcome.failure, res.status);
    return outcome.kind === 'empty' ? [] : decode(operation, res, () => outcome.rows.map(map));
  }

  /**
   * A change the mall refused with `code`, which it also answers when the change was already applied
   * (a repeat after a lost answer): re-read the line and call it already_done when the mall shows the
   * change's end state. A re-read the mall refuses leaves the original error; a transient one is
   * thrown, so the whole change is tried again later.
   */
  async function settleRepeat(ctx: ConnectionContext, operation: Operation, line: LineRef, code: string, endStates: ReadonlySet<MallLineStatus>, change: () => Promise<MallAck>): Promise<MallAck> {
    try {
      return await change();
    } catch (e) {
      if (!(e instanceof MarketplaceError) || e.mallCode !== code) throw e;
      let status: MallLineStatus | undefined;
      try {
        status = (await adapter.getOrder(ctx, line.mallOrderNo)).find((l) => l.mallLineNo === line.mallLineNo)?.mallStatus;
      } catch (reread) {
        if (reread instanceof MarketplaceError && !reread.retryable) throw e;
        throw reread;
      }
      if (status === undefined || !endStates.has(status)) throw e;
      throw err('already_done', operation, `[${code}] ${e.mallMessage ?? ''} — the mall already shows the line ${status}`, {
        mallCode: code,
        ...(e.mallMessage !== undefined ? { mallMessage: e.mallMessage } : {}),
        ...(e.httpStatus !== undefined ? { httpStatus: e.httpStatus } : {}),
      });
    }
  }

  function kstWindow(operation: Operation, window: TimeWindow, maxMs: number) {
    let w: ReturnType<typeof windowToKstMinutes>;
    try {
      w = windowToKstMinutes(window);
    } catch (e) {
      throw err('bad_request', operation, (e as Error).message);
    }
    if (checkWindows && w.spanMs > maxMs) {
      throw err('window_too_long', operation, `window of ${(w.spanMs / DAY_MS).toFixed(2)} days exceeds ${maxMs / DAY_MS} days`);
    }
    return w;
  }

  function sendTime(operation: Operation, iso: string | undefined, day: boolean): string {
    try {
      const at = iso ?? new Date(now()).toISOString();
      return day ? utcIsoToKstDay(at) : utcIsoToKstMinute(at);
    } catch (e) {
      throw err('bad_request', operation, (e as Error).message);
    }
  }

  function digits(operation: Operation, what: string, value: string): string {
    if (!/^\d+$/.test(value)) throw err('bad_request', operation, `${what} must be digits, got ${JSON.stringify(value)}`);
    return value;
  }

  /** Carrier and tracking number as the path wants them; `null` literals when nothing is shipped. */
  function shipmentSegments(operation: Operation, method: ShippingMethod, carrier: string | undefined, trackingNo: string | undefined): [string | null, string | null] {
    if (method === 'none') return [null, null];
    if (carrier === undefined) throw err('bad_request', operation, `a carrier is required for method ${method}`);
    const code = carrierCodeById[carrier as keyof typeof carrierCodeById];
    if (code === undefined) throw err('bad_request', operation, `unknown carrier ${JSON.stringify(carrier)}`);
    // Hyphens and spaces are how people write tracking numbers, not part of them.
    const cleaned = (trackingNo ?? '').replace(/[\s-]/g, '');
    if (!trackingPattern.test(cleaned)) throw err('bad_request', operation, `tracking number must be letters and digits, got ${JSON.stringify(trackingNo)}`);
    return [code, cleaned];
  }

  async function listOrders(ctx: ConnectionContext, operation: 'complete' | 'packaging', window: TimeWindow) {
    const w = kstWindow(operation, window, elevenstLimits.maxOrderWindowMs);
    const res = await send(ctx, operation, { path: ['ordservices', operation, w.start, w.end] });
    return rowsOf(operation, res, decodeOrderList, toChannelOrderLine);
  }

  async function listClaims(ctx: ConnectionContext, operation: 'cancelorders' | 'canceledorders', window: TimeWindow): Promise<Claim[]> {
    const w = kstWindow(operation, window, elevenstLimits.maxClaimWindowMs);
    const res = await send(ctx, operation, { path: ['claimservice', operation, w.start, w.end] });
    const fallback = operation === 'cancelorders' ? 'requested' : 'completed';
    return rowsOf(operation, res, decodeClaimList, (r) => toClaim(r, fallback));
  }

  const adapter: MarketplaceAdapter = {
    mall,
    limits: elevenstLimits,

    async testConnection(ctx) {
      // A one-hour paid list is the cheapest call that proves key, IP and reachability together.
      const to = new Date(now()).toISOString();
      const from = new Date(now() - 60 * 60 * 1000).toISOString();
      await listOrders(ctx, 'complete', { from, to });
      return { ok: true };
    },

    async listOrderLines(ctx, status, window) {
      const lines = await listOrders(ctx, status === 'paid' ? 'complete' : 'packaging', window);
      return { lines, rowCap: elevenstLimits.rowCap, hitRowCap: lines.length >= elevenstLimits.rowCap };
    },

    async getOrder(ctx, mallOrderNo): Promise<ChannelOrderLine[]> {
      const operation = 'orderByNo';
      const res = await send(ctx, operation, { path: ['ordservices', 'complete', digits(operation, 'order number', mallOrderNo)] });
      return rowsOf(operation, res, decodeOrderList, toChannelOrderLine);
    },

    async confirm(ctx, req) {
      const operation = 'reqpackaging';
      const addOn = req.addOnOfProductNo !== undefined && req.addOnOfProductNo !== '0';
      return act(ctx, operation, {
        path: [
          'ordservices',
          'reqpackaging',
          digits(operation, 'order number', req.mallOrderNo),
          digits(operation, 'line number', req.mallLineNo),
          addOn ? 'Y' : 'N',
          addOn ? digits(operation, 'add-on product number', req.addOnOfProductNo as string) : null,
          digits(operation, 'delivery number', req.deliveryNo),
        ],
      });
    },

    async ship(ctx, req) {
      const operation = 'reqdelivery';
      const method = req.method ?? 'parcel';
      if (method === 'post') throw err('bad_request', operation, 'dispatch has no postal method; use parcel');
      const [carrier, tracking] = shipmentSegments(operation, method, req.carrier, req.trackingNo);
      const { partial } = req;
      if (partial && partial.mallLineNos.length === 0) throw err('bad_request', operation, 'partial dispatch needs at least one line');
      return act(ctx, operation, {
        path: [
          'ordservices',
          'reqdelivery',
          sendTime(operation, req.shippedAt, false),
          shipMethodCode[method],
          carrier,
          tracking,
          digits(operation, 'delivery number', req.deliveryNo),
          // Partial dispatch: the 8-segment form naming the order and its lines.
          ...(partial ? ['Y', digits(operation, 'order number', partial.mallOrderNo), partial.mallLineNos.map((n) => digits(operation, 'line number', n))] : []),
        ],
      });
    },

    listCancelRequests: (ctx, window) => listClaims(ctx, 'cancelorders', window),
    listCompletedCancels: (ctx, window) => listClaims(ctx, 'canceledorders', window),

    async approveCancel(ctx, claim) {
      const operation = 'cancelreqconf';
      return act(ctx, operation, {
        path: [
          'claimservice',
          'cancelreqconf',
          digits(operation, 'claim number', claim.claimNo),
          digits(operation, 'order number', claim.mallOrderNo),
          digits(operation, 'line number', claim.mallLineNo),
        ],
      });
    },

    async rejectCancel(ctx, req) {
      const operation = 'cancelreqreject';
      const method = req.method ?? 'parcel';
      const [carrier, tracking] = shipmentSegments(operation, method, req.carrier, req.trackingNo);
      // A repeat after the rejection was applied answers -23008 (claim no longer pending).
      return settleRepeat(ctx, operation, req, '-23008', shippedStates, () => act(ctx, operation, {
        path: [
          'claimservice',
          'cancelreqreject',
          digits(operation, 'order number', req.mallOrderNo),
          digits(operation, 'line number', req.mallLineNo),
          digits(operation, 'claim number', req.claimNo),
          rejectShipMethodCode[method],
          sendTime(operation, req.shippedAt, true),
          carrier,
          tracking,
        ],
      }));
    },

    async refuseSale(ctx, req) {
      const operation = 'reqrejectorder';
      const code = saleRefusalReasonCode[req.reason];
      if (code === undefined) throw err('bad_request', operation, `unknown refusal reason ${JSON.stringify(req.reason)}`);
      const detail = req.detail.trim();
      if (detail === '') throw err('bad_request', operation, 'a refusal needs a reason text for the buyer');
      // A repeat after the refusal was applied answers -21004 ("not refusable"), like a shipped line does.
      return settleRepeat(ctx, operation, req, '-21004', cancelledStates, () => act(ctx, operation, {
        path: [
          'claimservice',
          'reqrejectorder',
          digits(operation, 'order number', req.mallOrderNo),
          digits(operation, 'line number', req.mallLineNo),
          code,
          detail,
        ],
      }));
    },

    async findProductBySellerCode(ctx, sellerProductCode) {
      const operation = 'sellerprodcode';
      const code = sellerProductCode.trim();
      if (code === '') throw err('bad_request', operation, 'seller product code is empty');
      let res: ReadResponse;
      try {
        res = await send(ctx, operation, { path: ['prodmarketservice', 'sellerprodcode', code] });
      } catch (e) {
        // Some clients see HTTP 404 with an unreadable body for an unknown code.
        if (e instanceof MarketplaceError && e.httpStatus === 404) return null;
        throw e;
      }
      if (res.status === 404) return null;
      // Only a product carrying exactly this code: another product is worse than none (the reference
      // documents sellerPrdCd on every row, so no fallback to a row without it).
      const match = rowsOf(operation, res, decodeProducts, (r) => r).find((r) => r.sellerPrdCd === code);
      return match ? decode(operation, res, () => toListing(match)) : null;
    },

    async listOptionStocks(ctx, productNo) {
      const operation = 'stck';
      const res = await send(ctx, operation, { path: ['prodmarketservice', 'prodmarket', 'stck', digits(operation, 'product number', productNo)] });
      const outcome = decode(operation, res, decodeProductStocks);
      if (outcome.kind === 'failure') throw failureError(operation, outcome.failure, res.status);
      return decode(operation, res, () => outcome.value.stocks.map((s) => toListingOption(s, outcome.value.productNo ?? productNo)));
    },

    async setOptionStock(ctx, req) {
      const operation = 'stockqty';
      if (!Number.isSafeInteger(req.quantity) || req.quantity < 0) throw err('bad_request', operation, `quantity must be a whole number >= 0, got ${req.quantity}`);
      const prdNo = digits(operation, 'product number', req.productNo);
      const prdStckNo = digits(operation, 'option stock number', req.optionStockNo);
      let weight = req.weight;
      if (weight === undefined) {
        // v1.2 requires optWght; resend the mall's current value rather than guess one.
        const options = await adapter.listOptionStocks(ctx, prdNo);
        const option = options.find((o) => o.optionStockNo === prdStckNo);
        if (!option) throw err('bad_request', operation, `product ${prdNo} has no option stock ${prdStckNo}`);
        weight = option.weight ?? '0';
      }
      const body = encodeStockUpdate({ prdNo, prdStckNo, stckQty: req.quantity, optWght: weight });
      return act(ctx, operation, { method: 'PUT', path: ['prodservices', 'stockqty', prdStckNo], body }, decodeClientMessage);
    },
  };
  return adapter;
}
