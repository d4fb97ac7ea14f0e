import type { CarrierId, ListingStatus, MallLineStatus, MarketplaceErrorKind, SaleRefusalReason, ShippingMethod } from '../types.ts';

/** ordPrdStat → the hub's line status. */
export const lineStatusByCode: Readonly<Record<string, MallLineStatus>> = {
  '101': 'ordered',
  '102': 'awaiting_payment',
  '103': 'awaiting_payment',
  '200': 'awaiting_address',
  '201': 'paid',
  '202': 'paid',
  '301': 'preparing',
  '401': 'shipped',
  '501': 'delivered',
  '601': 'claim_in_progress',
  '701': 'cancelling',
  '801': 'awaiting_reapproval',
  '901': 'purchase_confirmed',
  A01: 'returned',
  B01: 'cancelled',
  C01: 'cancelled',
};

/** Carrier codes (dlvEtprsCd) of the hub's carriers; the official 1888 table. */
export const carrierCodeById: Readonly<Record<CarrierId, string>> = {
  logen: '00002',
  epost: '00007',
  hanjin: '00011',
  lotte: '00012',
  daesin: '00021',
  ilyang: '00022',
  kyungdong: '00026',
  cj_logistics: '00034',
  cvsnet: '00060',
  cu: '00061',
  nonghyup: '00067',
  qxpress: '00108',
  other: '00099',
};

export const carrierIdByCode: Readonly<Record<string, CarrierId>> = Object.fromEntries(
  Object.entries(carrierCodeById).map(([id, code]) => [code, id as CarrierId]),
);

/** dlvMthdCd as 발송처리 (reqdelivery) takes it. The mall has no 'post' method there. */
export const shipMethodCode: Readonly<Record<Exclude<ShippingMethod, 'post'>, string>> = {
  parcel: '01',
  direct: '03',
  quick: '04',
  none: '05',
};

/** dlvMthdCd as 취소거부 (cancelreqreject) takes it. */
export const rejectShipMethodCode: Readonly<Record<ShippingMethod, string>> = {
  parcel: '01',
  post: '02',
  direct: '03',
  quick: '04',
  none: '05',
};

/** dlvMthdCd as order lists report it (differs from the request codes). */
export const shipMethodByResponseCode: Readonly<Record<string, ShippingMethod>> = {
  '01': 'parcel',
  '04': 'post',
  '05': 'direct',
  '06': 'quick',
  '99': 'none',
};

/**
 * ordCnRsnCd for 판매불가. Seller-fault 06–09 per the guide; buyer-fault 18–20 as measured in the
 * Seller Office (the guide's 10 now means something else); 99 'other' per the guide.
 */
export const saleRefusalReasonCode: Readonly<Record<SaleRefusalReason, string>> = {
  delivery_delay: '06',
  wrong_product_info: '07',
  sold_out: '08',
  option_sold_out: '09',
  buyer_changed_option: '18',
  buyer_wrong_product: '19',
  buyer_no_longer_wants: '20',
  other: '99',
};

/** selStatCd → listing status. */
export const listingStatusByCode: Readonly<Record<string, ListingStatus>> = {
  '101': 'awaiting_approval',
  '102': 'awaiting_approval',
  '103': 'on_sale',
  '104': 'sold_out',
  '105': 'display_stopped',
  '106': 'sale_ended',
  '107': 'sale_ended',
  '108': 'sale_banned',
};

/** Each 11st call, named as the error tables are. */
export type Operation =
  | 'complete'
  | 'packaging'
  | 'orderByNo'
  | 'reqpackaging'
  | 'reqdelivery'
  | 'cancelorders'
  | 'canceledorders'
  | 'cancelreqconf'
  | 'cancelreqreject'
  | 'reqrejectorder'
  | 'sellerprodcode'
  | 'stck'
  | 'stockqty';

const bad = 'bad_request' as const;

/**
 * Result codes per call. Each list endpoint has its own number block (-3105 on `complete` and -3305 on
 * `packaging` both mean "window too long"), so codes are looked up per operation first.
 */
const codesByOperation: Readonly<Record<Operation, Readonly<Record<string, MarketplaceErrorKind>>>> = {
  complete: { '-3103': bad, '-3104': bad, '-3105': 'window_too_long' },
  packaging: { '-3303': bad, '-3304': bad, '-3305': 'window_too_long' },
  orderByNo: {},
  reqpackaging: { '-3206': 'already_done', '-3207': 'transient', '-3210': bad, '-3211': 'order_changed', '-3214': 'cancel_pending' },
  reqdelivery: {
    '-3301': bad,
    '-3306': 'tracking_rejected',
    '-3307': bad,
    '-3308': 'already_done',
    '-3309': 'already_done',
    '-3310': 'order_changed',
    '-3311': 'transient',
    '-3313': 'order_changed',
    '-3320': 'tracking_rejected',
    '-3321': bad,
  },
  cancelorders: { '-28001': bad, '-28002': bad, '-28003': bad, '-28004': bad, '-28005': bad, '-28006': bad, '-28007': bad, '-28008': 'window_too_long' },
  canceledorders: { '-28001': bad, '-28002': bad, '-28003': bad, '-28004': bad, '-28005': bad, '-28006': bad, '-28007': bad, '-28008': 'window_too_long' },
  cancelreqconf: { '-22001': bad, '-22002': bad, '-22003': bad, '-22004': bad },
  cancelreqreject: {
    '-23001': bad,
    '-23002': bad,
    '-23003': bad,
    '-23004': bad,
    '-23005': 'tracking_rejected',
    '-23006': bad,
    '-23007': bad,
    '-23008': bad,
    '-23009': bad,
    '-3320': 'tracking_rejected',
  },
  reqrejectorder: { '-21001': bad, '-21002': bad, '-21003': bad, '-21004': 'order_changed', '-21005': 'order_changed' },
  sellerprodcode: {},
  stck: {},
  stockqty: { '400': bad, '404': bad },
};

/** Codes that mean the same on every call. */
const commonCodes: Readonly<Record<string, MarketplaceErrorKind>> = {
  '-1000': 'maintenance',
  '-500': 'ip_not_allowed',
};

/** Result codes that are worth an immediate retry (the guide: "re-query and retry"). */
export const transientResultCodes: ReadonlySet<string> = new Set(['-3207', '-3311']);

/** Part of the unknown-key message on every endpoint family (`OpenAPI Key 에 해당하는 유저가 없습니다.`). */
export const invalidKeyText = 'OpenAPI Key';
const alreadyCancelledText = '이미 취소 완료';
// Product reads answer maintenance as `Products/message` without a code.
const maintenanceText = '서버 점검';

/** Which error kind an 11st result code (plus its message) means for this call. */
export function errorKindFor(operation: Operation, code: string, message: string): MarketplaceErrorKind {
  if (message.includes(invalidKeyText)) return 'invalid_api_key';
  const common = commonCodes[code];
  if (common) return common;
  const specific = codesByOperation[operation][code];
  if (specific) return specific;
  if (message.includes(maintenanceText)) return 'maintenance';
  // The approval answers a repeat with a message rather than a documented code.
  if (operation === 'cancelreqconf' && message.includes(alreadyCancelledText)) return 'already_done';
  return 'unknown';
}
