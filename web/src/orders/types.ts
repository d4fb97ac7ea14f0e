// The orders API's shapes (src/modules/orders/routes.ts).

export const lineStatuses = ['new', 'confirmed', 'cancel_requested', 'cancelled'] as const;
export type LineStatus = (typeof lineStatuses)[number];

/** Mall statuses a user filters by, in the order a line moves through them; 11st's codes beside them. */
export const mallStatuses = ['paid', 'preparing', 'shipped', 'delivered', 'purchase_confirmed', 'cancelled'] as const;
export const mallStatusCodes: Record<string, string> = { paid: '202', preparing: '301', shipped: '401', delivered: '501', purchase_confirmed: '901', cancelled: 'B01' };

export const claimFilters = ['cancel_requested', 'cancelled', 'any', 'none'] as const;
export type ClaimFilter = (typeof claimFilters)[number];

export const saleRefusalReasons = ['delivery_delay', 'wrong_product_info', 'sold_out', 'option_sold_out', 'buyer_changed_option', 'buyer_wrong_product', 'buyer_no_longer_wants', 'other'] as const;
export type SaleRefusalReason = (typeof saleRefusalReasons)[number];

export interface MallError {
  code: string;
  message: string | null;
}

export interface OrderLine {
  id: string;
  orderId: string;
  connectionId: string;
  mall: string;
  mallOrderNo: string;
  mallLineNo: string;
  /** Lines with the same delivery number ship together (a bundle). */
  deliveryNo: string;
  productNo: string;
  productName: string;
  optionText: string | null;
  optionStockNo: string | null;
  sellerProductCode: string | null;
  sellerStockCode: string | null;
  addOnOfProductNo: string | null;
  quantity: number;
  /** Amounts are integers in minor units of this currency. */
  currency: string;
  unitPrice: number;
  orderAmount: number;
  optionAmount: number | null;
  sellerDiscount: number | null;
  mallDiscount: number | null;
  shippingFee: number | null;
  paidAmount: number | null;
  expectedSettlement: number | null;
  buyerName: string | null;
  receiver: { name: string | null; mobile: string | null; phone: string | null; postalCode: string | null; address: string | null; addressDetail: string | null };
  memo: string | null;
  status: LineStatus;
  mallStatus: string;
  mallStatusCode: string | null;
  claim: { status: string; claimNo: string | null; reason: string | null; requestedAt: string | null } | null;
  confirmError: MallError | null;
  actionError: MallError | null;
  orderedAt: string | null;
  paidAt: string;
  mallConfirmedAt: string | null;
  shipBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface LinePage {
  items: OrderLine[];
  nextCursor: string | null;
}

export interface LineCounts {
  total: number;
  byStatus: Record<string, number>;
}

export interface LineEvent {
  id: string;
  lineId: string;
  at: string;
  kind: string;
  from: string | null;
  to: string | null;
  actor: string | null;
  details: Record<string, unknown>;
}

export interface Order {
  id: string;
  connectionId: string;
  mall: string;
  mallOrderNo: string;
  buyer: { name: string | null; memberId: string | null; mobile: string | null; phone: string | null };
  orderedAt: string | null;
  paidAt: string | null;
  createdAt: string;
  updatedAt: string;
  lines: Array<OrderLine & { raw: Record<string, string> }>;
  bundles: Array<{ deliveryNo: string; lines: Array<{ id: string; orderId: string; mallOrderNo: string; mallLineNo: string; productName: string; status: string }> }>;
  events: LineEvent[];
}

export type ConfirmOutcome = 'queued' | 'already_confirmed' | 'refused' | 'not_found';
export interface ConfirmResult {
  id: string;
  result: ConfirmOutcome;
  reason?: string;
  message?: string;
}

export type RunTrigger = 'schedule' | 'manual' | 'reimport';
export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'skipped';

export interface TimeWindow {
  from: string;
  to: string;
}

/** One call to the mall as the import run records it (src/modules/orders/import-run.ts CallRecord). */
export interface RunCall {
  op: string;
  window?: TimeWindow;
  mallOrderNo?: string;
  at: string;
  ms: number;
  result: 'ok' | 'error';
  rows?: number;
  hitRowCap?: boolean;
  kind?: string;
  code?: string;
  message?: string;
}

export interface RunWindow extends TimeWindow {
  paid?: number;
  preparing?: number;
  outcome: 'committed' | 'split' | 'failed';
}

export interface ImportRun {
  id: string;
  connectionId: string;
  trigger: RunTrigger;
  status: RunStatus;
  mallOrderNo: string | null;
  span: TimeWindow | null;
  cursorBefore: string | null;
  cursorAfter: string | null;
  counts: { fetched: number; new: number; updated: number; unchanged: number; failed: number };
  claims: Record<string, number>;
  windows: unknown[];
  calls: unknown[];
  error: string | null;
  requestedBy: string | null;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export const runFinished = (run: Pick<ImportRun, 'status'>) => run.status === 'succeeded' || run.status === 'failed' || run.status === 'skipped';

/** The list filters, as they appear in the URL (so a dashboard card or a reload lands on the same list). */
export interface LineFilters {
  connectionId?: string;
  status?: LineStatus;
  mallStatus?: string;
  claim?: ClaimFilter;
  q?: string;
  /** yyyy-mm-dd in the browser's time zone; sent as ISO instants. */
  from?: string;
  to?: string;
  confirmFailed?: boolean;
}

export const orderListPath = '/orders/order-list';
export const importRunsPath = '/orders/import-runs';
export const orderPath = (orderId: string) => `${orderListPath}/${encodeURIComponent(orderId)}`;
export const runPath = (runId: string) => `${importRunsPath}/${encodeURIComponent(runId)}`;

export function filtersToSearch(f: LineFilters): URLSearchParams {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v !== undefined && v !== '' && v !== false) p.set(k, String(v));
  return p;
}

export function filtersFromSearch(p: URLSearchParams): LineFilters {
  const f: LineFilters = {};
  const get = (k: string) => p.get(k) || undefined;
  if (get('connectionId')) f.connectionId = get('connectionId');
  const status = get('status');
  if (status && (lineStatuses as readonly string[]).includes(status)) f.status = status as LineStatus;
  if (get('mallStatus')) f.mallStatus = get('mallStatus');
  const claim = get('claim');
  if (claim && (claimFilters as readonly string[]).includes(claim)) f.claim = claim as ClaimFilter;
  if (get('q')) f.q = get('q');
  if (get('from')) f.from = get('from');
  if (get('to')) f.to = get('to');
  if (p.get('confirmFailed') === 'true') f.confirmFailed = true;
  return f;
}

/** The query string for the API: dates become instants (start of the day; "to" is the start of the next day). */
export function filtersToApi(f: LineFilters, omitStatus = false): URLSearchParams {
  const p = new URLSearchParams();
  if (f.connectionId) p.set('connectionId', f.connectionId);
  if (f.status && !omitStatus) p.set('status', f.status);
  if (f.mallStatus) p.set('mallStatus', f.mallStatus);
  if (f.claim) p.set('claim', f.claim);
  if (f.q?.trim()) p.set('q', f.q.trim());
  const day = (s: string, plus: number) => {
    const [y, m, d] = s.split('-').map(Number);
    if (!y || !m || !d) return undefined;
    return new Date(y, m - 1, d + plus).toISOString();
  };
  const from = f.from ? day(f.from, 0) : undefined;
  const to = f.to ? day(f.to, 1) : undefined;
  if (from) p.set('from', from);
  if (to) p.set('to', to);
  if (f.confirmFailed) p.set('confirmFailed', 'true');
  return p;
}

/** Dashboard counts (registered as `orders.<what>`) open the list already filtered to that work. */
export const dashboardLinks: Record<string, string> = {
  'orders.toConfirm': `${orderListPath}?status=new`,
  'orders.confirmFailed': `${orderListPath}?status=new&confirmFailed=true`,
  'orders.cancelRequested': `${orderListPath}?status=cancel_requested`,
};
