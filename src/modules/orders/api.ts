// The JSON the orders API answers with: the server builds it, the console reads it.
// Plain types only, so web/ can import them too.

/** The hub's status of an order line (the state machine in domain.ts moves it). */
export type LineStatus = 'new' | 'confirmed' | 'cancel_requested' | 'cancelled';
export type RunTrigger = 'schedule' | 'manual' | 'reimport';
export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'skipped';

export interface LineView {
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
  confirmError: { code: string; message: string | null } | null;
  actionError: { code: string; message: string | null } | null;
  orderedAt: string | null;
  paidAt: string;
  mallConfirmedAt: string | null;
  shipBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface RunView {
  id: string;
  connectionId: string;
  trigger: RunTrigger;
  status: RunStatus;
  mallOrderNo: string | null;
  span: { from: string; to: string } | null;
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

export type ConfirmOutcome = 'queued' | 'already_confirmed' | 'refused' | 'not_found';
export interface ConfirmResult {
  id: string;
  result: ConfirmOutcome;
  reason?: string;
  message?: string;
}

/** One call to the mall as an import run records it. */
export interface CallRecord {
  op: string;
  window?: { from: string; to: string };
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

/** One window of an import run: 'split' when an answer hit the row cap; 'committed' when its rows and the cursor were saved. */
export interface WindowRecord {
  from: string;
  to: string;
  paid?: number;
  preparing?: number;
  outcome: 'committed' | 'split' | 'failed';
}
