/**
 * The capability interface every shopping-mall adapter implements, and the hub's canonical types.
 * Mall field names never appear here: each adapter's mapper turns its mall's records into these.
 */

export type MallId = '11st';

/** One shopping-mall API setting, as the adapter needs it for a call. */
export interface ConnectionContext {
  connectionId: string;
  /** Overrides the mall's default base URL (sandbox, proxy). */
  baseUrl?: string;
  /** Decrypted credentials; each adapter validates them with its own zod schema. */
  credentials: unknown;
}

/** Half-open time window [from, to) in UTC ISO-8601. */
export interface TimeWindow {
  from: string;
  to: string;
}

export type Currency = 'KRW';

/** An amount in minor units (KRW has none: 1 = ₩1). */
export interface Money {
  amount: number;
  currency: Currency;
}

/** Where a mall order line stands, in the hub's words. */
export type MallLineStatus =
  | 'ordered'
  | 'awaiting_payment'
  | 'awaiting_address'
  | 'paid'
  | 'preparing'
  | 'shipped'
  | 'delivered'
  | 'claim_in_progress'
  | 'cancelling'
  | 'awaiting_reapproval'
  | 'purchase_confirmed'
  | 'returned'
  | 'cancelled'
  | 'unknown';

/** The statuses an import lists. */
export type ListableStatus = 'paid' | 'preparing';

export type ShippingMethod = 'parcel' | 'post' | 'direct' | 'quick' | 'none';

export interface Address {
  postalCode?: string;
  baseAddress?: string;
  detailAddress?: string;
}

/** One order line as a mall reports it. */
export interface ChannelOrderLine {
  mall: MallId;
  mallOrderNo: string;
  mallLineNo: string;
  /** Lines that share a delivery number ship together (a bundle). */
  deliveryNo: string;
  productNo: string;
  productName: string;
  /** Option text as the buyer chose it, e.g. `색상/사이즈:아이보리/100cm-1개`. */
  optionText?: string;
  /** The mall's stock number of the ordered option (used for stock updates). */
  optionStockNo?: string;
  sellerProductCode?: string;
  sellerStockCode?: string;
  /** Set when the line is an add-on item: the product number of the main product. */
  addOnOfProductNo?: string;
  quantity: number;
  unitPrice: Money;
  /** Unit price × quantity plus option surcharge, net of cancels. */
  orderAmount: Money;
  optionAmount?: Money;
  sellerDiscount?: Money;
  mallDiscount?: Money;
  shippingFee?: Money;
  paidAmount?: Money;
  expectedSettlement?: Money;
  buyer: { name?: string; memberId?: string; mobile?: string; phone?: string; address: Address };
  receiver: { name?: string; mobile?: string; phone?: string; address: Address };
  memo?: string;
  mallStatus: MallLineStatus;
  /** The mall's own status code, kept for display and diagnosis. */
  mallStatusCode?: string;
  orderedAt?: string;
  paidAt?: string;
  confirmedAt?: string;
  shipBy?: string;
  shippedAt?: string;
  /** Present once shipped. */
  shipment?: { method?: ShippingMethod; carrier?: CarrierId; carrierMallCode?: string; trackingNo?: string };
  /** The mall's record, field by field, for diagnosis and re-mapping; the decoder's own object, not a copy. */
  raw: Readonly<Record<string, string>>;
}

/** The result of listing one window: the importer splits a window whose answer hit the row cap. */
export interface OrderLinePage {
  lines: ChannelOrderLine[];
  rowCap: number;
  hitRowCap: boolean;
}

export type ClaimStatus = 'requested' | 'completed' | 'withdrawn';

export interface Claim {
  mall: MallId;
  /** The mall's claim number (needed to approve or reject). */
  claimNo: string;
  mallOrderNo: string;
  mallLineNo: string;
  deliveryNo?: string;
  productNo?: string;
  optionText?: string;
  quantity: number;
  requestedBy: 'buyer' | 'seller' | 'unknown';
  reasonCode?: string;
  reasonText?: string;
  status: ClaimStatus;
  requestedAt?: string;
  raw: Readonly<Record<string, string>>;
}

export type ListingStatus =
  | 'awaiting_approval'
  | 'on_sale'
  | 'sold_out'
  | 'display_stopped'
  | 'sale_ended'
  | 'sale_banned'
  | 'unknown';

export interface Listing {
  mall: MallId;
  productNo: string;
  productName: string;
  sellerProductCode?: string;
  status: ListingStatus;
  mallStatusCode?: string;
  price?: Money;
  raw: Readonly<Record<string, string>>;
}

export interface ListingOption {
  mall: MallId;
  productNo: string;
  /** The mall's stock number: the id of a quantity update. */
  optionStockNo: string;
  sellerStockCode?: string;
  optionName?: string;
  optionValue?: string;
  /** Units on hand at the mall. */
  quantity: number;
  /** Units sold so far. */
  soldQuantity?: number;
  status: 'in_stock' | 'sold_out' | 'unknown';
  addPrice?: Money;
  /** The option's weight as the mall holds it; resent unchanged on stock updates. */
  weight?: string;
  raw: Readonly<Record<string, string>>;
}

/** The hub's carrier ids; each adapter maps them to the mall's codes. */
export type CarrierId =
  | 'logen'
  | 'epost'
  | 'hanjin'
  | 'lotte'
  | 'daesin'
  | 'ilyang'
  | 'kyungdong'
  | 'cj_logistics'
  | 'cvsnet'
  | 'cu'
  | 'nonghyup'
  | 'qxpress'
  | 'other';

export interface LineRef {
  mallOrderNo: string;
  mallLineNo: string;
}

export interface ConfirmRequest extends LineRef {
  deliveryNo: string;
  productNo?: string;
  /** For an add-on line: the main product's number (from ChannelOrderLine.addOnOfProductNo). */
  addOnOfProductNo?: string;
}

export interface ShipRequest {
  deliveryNo: string;
  method?: ShippingMethod;
  /** Required unless method is 'none'. */
  carrier?: CarrierId;
  trackingNo?: string;
  /** UTC ISO; defaults to now. */
  shippedAt?: string;
  /** Ship only these lines of the bundle (partial dispatch); omit to ship the whole delivery number. */
  partial?: { mallOrderNo: string; mallLineNos: string[] };
}

export interface ClaimRef extends LineRef {
  claimNo: string;
}

export interface RejectCancelRequest extends ClaimRef {
  method?: ShippingMethod;
  carrier?: CarrierId;
  trackingNo?: string;
  shippedAt?: string;
}

export type SaleRefusalReason =
  | 'delivery_delay'
  | 'wrong_product_info'
  | 'sold_out'
  | 'option_sold_out'
  | 'buyer_changed_option'
  | 'buyer_wrong_product'
  | 'buyer_no_longer_wants'
  | 'other';

export interface RefuseSaleRequest extends LineRef {
  reason: SaleRefusalReason;
  /** Free text shown to the buyer. */
  detail: string;
}

export interface SetOptionStockRequest {
  productNo: string;
  optionStockNo: string;
  /** The absolute new quantity on hand (not a delta). */
  quantity: number;
  /** The option's current weight; read it with listOptionStocks. */
  weight?: string;
}

/** What the mall said about a change it accepted. */
export interface MallAck {
  mallCode: string;
  mallMessage: string;
}

export interface ConnectionTestResult {
  ok: true;
  mallCode?: string;
  mallMessage?: string;
}

export interface MarketplaceLimits {
  /** Longest window one order-list call accepts, in milliseconds. */
  maxOrderWindowMs: number;
  maxClaimWindowMs: number;
  /** Rows one list call returns at most (no paging). */
  rowCap: number;
}

/**
 * Every method throws MarketplaceError on failure. A repeated change the mall already applied throws
 * kind 'already_done' (callers that only need the end state treat it as success).
 */
export interface MarketplaceAdapter {
  readonly mall: MallId;
  readonly limits: MarketplaceLimits;
  testConnection(ctx: ConnectionContext): Promise<ConnectionTestResult>;
  listOrderLines(ctx: ConnectionContext, status: ListableStatus, window: TimeWindow): Promise<OrderLinePage>;
  /** Every line of one order, whatever its status; empty when the mall does not know it. */
  getOrder(ctx: ConnectionContext, mallOrderNo: string): Promise<ChannelOrderLine[]>;
  confirm(ctx: ConnectionContext, req: ConfirmRequest): Promise<MallAck>;
  ship(ctx: ConnectionContext, req: ShipRequest): Promise<MallAck>;
  listCancelRequests(ctx: ConnectionContext, window: TimeWindow): Promise<Claim[]>;
  listCompletedCancels(ctx: ConnectionContext, window: TimeWindow): Promise<Claim[]>;
  approveCancel(ctx: ConnectionContext, claim: ClaimRef): Promise<MallAck>;
  /** Refuse the cancel request and ship anyway. */
  rejectCancel(ctx: ConnectionContext, req: RejectCancelRequest): Promise<MallAck>;
  refuseSale(ctx: ConnectionContext, req: RefuseSaleRequest): Promise<MallAck>;
  /** Null when the mall has no product with that seller product code. */
  findProductBySellerCode(ctx: ConnectionContext, sellerProductCode: string): Promise<Listing | null>;
  listOptionStocks(ctx: ConnectionContext, productNo: string): Promise<ListingOption[]>;
  setOptionStock(ctx: ConnectionContext, req: SetOptionStockRequest): Promise<MallAck>;
}

export type MarketplaceErrorKind =
  | 'invalid_api_key'
  | 'ip_not_allowed'
  | 'maintenance'
  | 'window_too_long'
  | 'bad_request'
  | 'already_done'
  | 'order_changed'
  | 'cancel_pending'
  | 'tracking_rejected'
  | 'transient'
  | 'unknown';

export interface MarketplaceErrorDetails {
  mall: MallId;
  /** The mall's result code, verbatim (absent for transport failures and local validation). */
  mallCode?: string;
  /** The mall's message, verbatim. */
  mallMessage?: string;
  httpStatus?: number;
  /** For 'ip_not_allowed': the caller IP the mall reported. */
  callerIp?: string;
  /** Which call failed, e.g. 'reqpackaging'. */
  operation?: string;
  cause?: unknown;
}

/** A failed mall call, typed by what the caller can do about it. */
export class MarketplaceError extends Error {
  readonly kind: MarketplaceErrorKind;
  readonly mall: MallId;
  readonly mallCode: string | undefined;
  readonly mallMessage: string | undefined;
  readonly httpStatus: number | undefined;
  readonly callerIp: string | undefined;
  readonly operation: string | undefined;

  constructor(kind: MarketplaceErrorKind, message: string, details: MarketplaceErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'MarketplaceError';
    this.kind = kind;
    this.mall = details.mall;
    this.mallCode = details.mallCode;
    this.mallMessage = details.mallMessage;
    this.httpStatus = details.httpStatus;
    this.callerIp = details.callerIp;
    this.operation = details.operation;
  }

  /** Worth sending again later without changing anything. */
  get retryable(): boolean {
    return this.kind === 'transient' || this.kind === 'maintenance';
  }
}

export function isMarketplaceError(e: unknown, kind?: MarketplaceErrorKind): e is MarketplaceError {
  return e instanceof MarketplaceError && (kind === undefined || e.kind === kind);
}
