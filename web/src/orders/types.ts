// The orders API's shapes: the server's own types (src/modules/orders/api.ts), plus what the console
// needs beside them.
import type { CallRecord, LineStatus, LineView, RunView, WindowRecord } from '../../../src/modules/orders/api.ts';

export type { ConfirmOutcome, ConfirmResult, LineStatus, RunStatus, RunTrigger } from '../../../src/modules/orders/api.ts';
export type OrderLine = LineView;
export type ImportRun = RunView;
export type RunCall = CallRecord;
export type RunWindow = WindowRecord;

export const lineStatuses = ['new', 'confirmed', 'cancel_requested', 'cancelled'] as const satisfies readonly LineStatus[];

/** Mall statuses a user filters by, in the order a line moves through them; 11st's codes beside them. */
export const mallStatuses = ['paid', 'preparing', 'shipped', 'delivered', 'purchase_confirmed', 'cancelled'] as const;
export const mallStatusCodes: Record<string, string> = { paid: '202', preparing: '301', shipped: '401', delivered: '501', purchase_confirmed: '901', cancelled: 'B01' };

export const claimFilters = ['cancel_requested', 'cancelled', 'any', 'none'] as const;
export type ClaimFilter = (typeof claimFilters)[number];

export const saleRefusalReasons = ['delivery_delay', 'wrong_product_info', 'sold_out', 'option_sold_out', 'buyer_changed_option', 'buyer_wrong_product', 'buyer_no_longer_wants', 'other'] as const;
export type SaleRefusalReason = (typeof saleRefusalReasons)[number];

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
