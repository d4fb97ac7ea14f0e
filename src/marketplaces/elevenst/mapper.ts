/**
 * 11st records ⇄ the hub's canonical types: KST times → UTC ISO, codes → enums, money → integers.
 * This is where 11st's field names end.
 */
import type { ChannelOrderLine, Claim, Listing, ListingOption, Money, TimeWindow } from '../types.ts';
import { CodecError, type ClaimRecord, type MallRecord, type OrderRecord, type ProductRecord, type StockRecord } from './codec.ts';
import { carrierIdByCode, lineStatusByCode, listingStatusByCode, shipMethodByResponseCode } from './codes.ts';

const KST_OFFSET_MS = 9 * 60 * 60 * 1000;
const mall = '11st' as const;

/** `YYYY-MM-DD HH:MM:SS` (or without seconds, or `YYYYMMDD`) in Korean time → UTC ISO-8601. */
export function kstToUtcIso(text: string): string {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?(?:\.\d+)?$/.exec(text.trim());
  if (!m) throw new CodecError(`not an 11st date-time: ${JSON.stringify(text)}`);
  const [, y, mo, d, h = '00', mi = '00', s = '00'] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) - KST_OFFSET_MS;
  const iso = new Date(ms).toISOString();
  // Date.UTC rolls 2026-02-30 over to March; a date the mall cannot have written is an error.
  const back = new Date(ms + KST_OFFSET_MS);
  if (back.getUTCDate() !== Number(d) || back.getUTCMonth() !== Number(mo) - 1 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    throw new CodecError(`not a valid date-time: ${JSON.stringify(text)}`);
  }
  return iso;
}

function parseIso(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO-8601 time: ${JSON.stringify(iso)}`);
  return ms;
}

function kstParts(ms: number): { ymd: string; hm: string } {
  const d = new Date(ms + KST_OFFSET_MS).toISOString(); // 2026-05-01T10:12:00.000Z, read as KST
  return { ymd: d.slice(0, 10).replace(/-/g, ''), hm: d.slice(11, 16).replace(':', '') };
}

/** UTC ISO → `YYYYMMDDhhmm` in Korean time, rounded down to the minute. */
export function utcIsoToKstMinute(iso: string): string {
  const { ymd, hm } = kstParts(parseIso(iso));
  return ymd + hm;
}

/** UTC ISO → `YYYYMMDD` in Korean time. */
export function utcIsoToKstDay(iso: string): string {
  return kstParts(parseIso(iso)).ymd;
}

/**
 * A window as the list APIs take it. The end is rounded up to the minute so that rounding never
 * drops the window's last seconds (the importer overlaps windows anyway).
 */
export function windowToKstMinutes(window: TimeWindow): { start: string; end: string; spanMs: number } {
  const from = Math.floor(parseIso(window.from) / 60_000) * 60_000;
  const to = Math.ceil(parseIso(window.to) / 60_000) * 60_000;
  if (to < from) throw new RangeError(`window ends before it starts: ${window.from} → ${window.to}`);
  return { start: utcIsoToKstMinute(new Date(from).toISOString()), end: utcIsoToKstMinute(new Date(to).toISOString()), spanMs: to - from };
}

export function krw(text: string | undefined): Money | undefined {
  if (text === undefined) return undefined;
  if (!/^-?\d+$/.test(text.trim())) throw new CodecError(`not a whole KRW amount: ${JSON.stringify(text)}`);
  return { amount: Number(text.trim()), currency: 'KRW' };
}

function requiredText(r: MallRecord, field: string, what: string): string {
  const v = r[field];
  if (v === undefined) throw new CodecError(`${what} without ${field}`);
  return v;
}

function count(text: string | undefined, field: string): number {
  if (text === undefined || !/^\d+$/.test(text.trim())) throw new CodecError(`${field} is not a count: ${JSON.stringify(text)}`);
  return Number(text.trim());
}

function time(text: string | undefined): string | undefined {
  return text === undefined ? undefined : kstToUtcIso(text);
}

/** `02--` and similar placeholders carry no number. */
function phone(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  return text.replace(/\D/g, '').length >= 7 ? text : undefined;
}

function defined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

function address(postalCode?: string, baseAddress?: string, detailAddress?: string) {
  return defined({ postalCode, baseAddress, detailAddress });
}

export function toChannelOrderLine(r: OrderRecord): ChannelOrderLine {
  const what = 'order row';
  const status = r.ordPrdStat;
  const isAddOn = r.addPrdYn === 'Y' && r.addPrdNo !== undefined && r.addPrdNo !== '0';
  const selPrc = krw(r.selPrc);
  const ordAmt = krw(r.ordAmt);
  const carrierMallCode = r.dlvEtprsCd;
  const carrier = carrierMallCode ? carrierIdByCode[carrierMallCode] : undefined;
  const method = r.dlvMthdCd ? shipMethodByResponseCode[r.dlvMthdCd] : undefined;
  const shipment =
    r.invcNo || carrierMallCode || method ? defined({ method, carrier, carrierMallCode, trackingNo: r.invcNo }) : undefined;
  return defined({
    mall,
    mallOrderNo: requiredText(r, 'ordNo', what),
    mallLineNo: requiredText(r, 'ordPrdSeq', what),
    deliveryNo: requiredText(r, 'dlvNo', what),
    productNo: requiredText(r, 'prdNo', what),
    productName: r.prdNm ?? '',
    optionText: r.slctPrdOptNm,
    optionStockNo: r.prdStckNo,
    sellerProductCode: r.sellerPrdCd,
    sellerStockCode: r.sellerStockCd,
    addOnOfProductNo: isAddOn ? r.addPrdNo : undefined,
    quantity: count(r.ordQty, 'ordQty'),
    unitPrice: selPrc ?? { amount: 0, currency: 'KRW' },
    orderAmount: ordAmt ?? { amount: 0, currency: 'KRW' },
    optionAmount: krw(r.ordOptWonStl),
    sellerDiscount: krw(r.sellerDscPrcPerSeq ?? r.lstSellerDscPrc ?? r.sellerDscPrc),
    mallDiscount: krw(r.tmallDscPrcPerSeq ?? r.lstTmallDscPrc ?? r.tmallDscPrc),
    shippingFee: krw(r.lstDlvCst ?? r.dlvCst),
    paidAmount: krw(r.ordPayAmtPerSeq ?? r.ordPayAmt),
    expectedSettlement: krw(r.stlPlnAmt),
    buyer: defined({
      name: r.ordNm,
      memberId: r.memID,
      mobile: phone(r.ordPrtblTel),
      phone: phone(r.ordTlphnNo),
      address: address(r.ordMailNo, r.ordBaseAddr, r.ordDtlsAddr),
    }),
    receiver: defined({
      name: r.rcvrNm,
      mobile: phone(r.rcvrPrtblNo),
      phone: phone(r.rcvrTlphn),
      address: address(r.rcvrMailNo, r.rcvrBaseAddr, r.rcvrDtlsAddr),
    }),
    memo: r.ordDlvReqCont,
    mallStatus: (status && lineStatusByCode[status]) || 'unknown',
    mallStatusCode: status,
    orderedAt: time(r.ordDt),
    paidAt: time(r.ordStlEndDt),
    confirmedAt: time(r.plcodrCnfDt),
    shipBy: time(r.dlvSndDue),
    shippedAt: time(r.sndEndDt),
    shipment,
    raw: r,
  } satisfies Record<keyof ChannelOrderLine, unknown>) as ChannelOrderLine;
}

const claimStatusByCode = { '01': 'requested', '02': 'completed' } as const;
const claimantByCode = { '01': 'buyer', '02': 'seller' } as const;

export function toClaim(r: ClaimRecord, fallbackStatus: Claim['status']): Claim {
  const what = 'claim row';
  const statusCode = r.ordCnStatCd as keyof typeof claimStatusByCode | undefined;
  const byCode = r.ordCnMnbdCd as keyof typeof claimantByCode | undefined;
  return defined({
    mall,
    claimNo: requiredText(r, 'ordPrdCnSeq', what),
    mallOrderNo: requiredText(r, 'ordNo', what),
    mallLineNo: requiredText(r, 'ordPrdSeq', what),
    deliveryNo: r.dlvNo,
    productNo: r.prdNo,
    optionText: r.slctPrdOptNm,
    quantity: r.ordCnQty === undefined ? 0 : count(r.ordCnQty, 'ordCnQty'),
    requestedBy: (byCode && claimantByCode[byCode]) || 'unknown',
    reasonCode: r.ordCnRsnCd,
    reasonText: r.ordCnDtlsRsn,
    status: (statusCode && claimStatusByCode[statusCode]) || fallbackStatus,
    requestedAt: time(r.createDt),
    raw: r,
  } satisfies Record<keyof Claim, unknown>) as Claim;
}

export function toListing(r: ProductRecord): Listing {
  const code = r.selStatCd;
  return defined({
    mall,
    productNo: requiredText(r, 'prdNo', 'product'),
    productName: r.prdNm ?? '',
    sellerProductCode: r.sellerPrdCd,
    status: (code && listingStatusByCode[code]) || 'unknown',
    mallStatusCode: code,
    price: krw(r.selPrc),
    raw: r,
  } satisfies Record<keyof Listing, unknown>) as Listing;
}

const stockStatusByCode = { '01': 'in_stock', '02': 'sold_out' } as const;

export function toListingOption(r: StockRecord, productNo: string | undefined): ListingOption {
  const code = r.prdStckStatCd as keyof typeof stockStatusByCode | undefined;
  const prdNo = r.prdNo ?? productNo;
  if (prdNo === undefined) throw new CodecError('stock row without prdNo');
  return defined({
    mall,
    productNo: prdNo,
    optionStockNo: requiredText(r, 'prdStckNo', 'stock row'),
    sellerStockCode: r.sellerStockCd,
    optionName: r.mixOptNm,
    optionValue: r.mixDtlOptNm,
    quantity: count(r.stckQty, 'stckQty'),
    soldQuantity: r.selQty === undefined ? undefined : count(r.selQty, 'selQty'),
    status: (code && stockStatusByCode[code]) || 'unknown',
    addPrice: krw(r.addPrc),
    weight: r.optWght,
    raw: r,
  } satisfies Record<keyof ListingOption, unknown>) as ListingOption;
}
