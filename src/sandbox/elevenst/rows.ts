// State records → the leaf fields of each response row (the wire layer sorts and encodes them).

import type { OrderLine, Product, StockOption } from './state.ts';
import { STATUS_NAMES } from './state.ts';
import { kstDateTime, kstMidnight } from './time.ts';
import type { Fields, Leaf } from './wire.ts';

const dt = (iso: string | null): string => (iso ? kstDateTime(iso) : '');
/** Fields the real API writes as the literal `null` while they have no value. */
const dtOrNull = (iso: string | null): Leaf => (iso ? kstDateTime(iso) : null);

function amounts(l: OrderLine) {
  const ordAmt = l.selPrc * l.ordQty + l.optAmt;
  const ordPayAmt = ordAmt + l.dlvCst - l.sellerDscPrc - l.tmallDscPrc;
  const fee = Math.round((ordPayAmt - l.dlvCst) * 0.12);
  return { ordAmt, ordPayAmt, fee };
}

/** A row of the paid (202) and preparing (301) lists, every field of reference §2.3. */
export function orderRow(l: OrderLine): Fields {
  const { ordAmt, ordPayAmt, fee } = amounts(l);
  return {
    addPrdNo: l.addPrdNo,
    addPrdYn: l.addPrdYn,
    appmtDdDlvDy: '',
    appmtEltRefuseYn: 'N',
    appmtselStockCd: '',
    bmDlvCst: 0,
    bmDlvCstType: '01',
    bndlDlvSeq: l.bndlDlvSeq,
    bndlDlvYN: l.bndlDlvYN,
    custGrdNm: l.custGrdNm,
    delaySendDt: '',
    dlvCst: l.dlvCst,
    dlvCstType: l.dlvCst > 0 ? '01' : '03',
    dlvEtprsCd: l.dlvEtprsCd ?? '',
    dlvMthdCd: l.dlvMthdCd,
    dlvNo: l.dlvNo,
    dlvSndDue: kstMidnight(l.dlvSndDue),
    engNm: '',
    freeGiftNo: '',
    freeGiftQty: '',
    gblDlvYn: 'N',
    gifeser: '0',
    giftCd: '',
    invcNo: l.invcNo ?? '',
    lstDlvCst: l.dlvCst,
    lstSellerDscPrc: l.sellerDscPrc,
    lstTmallDscPrc: l.tmallDscPrc,
    memID: l.memID,
    memNo: l.memNo,
    ordAmt,
    ordBaseAddr: l.ordBaseAddr,
    ordDlvReqCont: l.ordDlvReqCont,
    ordDt: dt(l.ordDt),
    ordDtlsAddr: l.ordDtlsAddr,
    ordMailNo: l.ordMailNo,
    ordNm: l.ordNm,
    ordNo: l.ordNo,
    ordOptWonStl: l.optAmt,
    ordPayAmt,
    ordPayAmtPerSeq: ordPayAmt,
    ordPrdSeq: l.ordPrdSeq,
    ordPrdStat: l.status,
    ordPrtblTel: l.ordPrtblTel,
    ordQty: l.ordQty,
    ordStlEndDt: dt(l.ordStlEndDt),
    ordTlphnNo: l.ordTlphnNo,
    plcodrCnfDt: dtOrNull(l.plcodrCnfDt),
    prdNm: l.prdNm,
    prdNo: l.prdNo,
    prdStckNo: l.prdStckNo,
    psnCscUniqNo: '',
    rcvrBaseAddr: l.rcvrBaseAddr,
    rcvrDtlsAddr: l.rcvrDtlsAddr,
    rcvrMailNo: l.rcvrMailNo,
    rcvrMailNoSeq: '0',
    rcvrNm: l.rcvrNm,
    rcvrPrtblNo: l.rcvrPrtblNo,
    rcvrTlphn: l.rcvrTlphn,
    referSeq: '',
    selPrc: l.selPrc,
    sellerDscPrc: l.sellerDscPrc,
    sellerDscPrcPerSeq: l.sellerDscPrc,
    sellerPrdCd: l.sellerPrdCd,
    sellerStockCd: l.sellerStockCd,
    sendClfCd: 'N',
    sendGiftYn: 'N',
    slctPrdOptNm: l.slctPrdOptNm,
    sndEndDt: dt(l.sndEndDt),
    stlPlnAmt: ordPayAmt - fee,
    tmallDscPrc: l.tmallDscPrc,
    tmallDscPrcPerSeq: l.tmallDscPrc,
    typeAdd: '02',
    typeBilNo: l.typeBilNo,
    use11stRetailYn: 'N',
    visitDlvYn: 'N',
  };
}

/** A row of the by-order lookup (1633): the list row plus the cancel quantity. */
export function orderLookupRow(l: OrderLine): Fields {
  return { ...orderRow(l), ordCnQty: l.cancel && l.cancel.status !== 'rejected' ? l.cancel.qty : 0 };
}

/** A row of orderlistalladdr / orderlistall (1725 / 1774). */
export function orderStatusRow(l: OrderLine, sellerId: string): Fields {
  return {
    dlvEtprsCd: l.dlvEtprsCd ?? '',
    dlvMthdCd: l.dlvMthdCd,
    dlvNo: l.dlvNo,
    invcNo: l.invcNo ?? '',
    ordCnQty: l.cancel && l.cancel.status !== 'rejected' ? l.cancel.qty : 0,
    ordNo: l.ordNo,
    ordPrdSeq: l.ordPrdSeq,
    ordPrdStat: l.status,
    ordPrdStatNm: l.cancel?.status === '01' ? '취소신청' : STATUS_NAMES[l.status],
    ordQty: l.ordQty,
    prdNm: l.prdNm,
    prdNo: l.prdNo,
    rcvrBaseAddr: l.rcvrBaseAddr,
    rcvrDtlsAddr: l.rcvrDtlsAddr,
    rcvrMailNo: l.rcvrMailNo,
    rcvrNm: l.rcvrNm,
    rcvrPrtblNo: l.rcvrPrtblNo,
    rcvrTlphn: l.rcvrTlphn,
    sellerID: sellerId,
    sndEndDt: dt(l.sndEndDt),
    typeBilNo: l.typeBilNo,
  };
}

/** A row of the cancel-request and completed-cancel lists (1639 / 1642). */
export function cancelRow(l: OrderLine): Fields {
  const c = l.cancel;
  return {
    createDt: dt(c?.createdAt ?? null),
    dlvNo: l.dlvNo,
    ordCnDtlsRsn: c?.reasonText ?? '',
    ordCnMnbdCd: c?.requestedBy ?? '',
    ordCnQty: c?.qty ?? 0,
    ordCnRsnCd: c?.reasonCode ?? '',
    ordCnStatCd: c?.status === '02' ? '02' : '01',
    ordNo: l.ordNo,
    ordPrdCnSeq: c?.ordPrdCnSeq ?? '',
    ordPrdSeq: l.ordPrdSeq,
    prdNo: l.prdNo,
    referSeq: '',
    slctPrdOptNm: l.slctPrdOptNm,
  };
}

function productCommon(p: Product): Fields {
  const totalQty = p.options.reduce((n, o) => n + o.stckQty, 0);
  return {
    aplBgnDy: kstDateTime(p.createdAt),
    aplEndDy: '2999-12-31 23:59:59',
    bndlDlvCnYn: 'Y',
    cuponcheck: 'N',
    dispCtgrNo: p.dispCtgrNo,
    dispCtgrStatCd: '03',
    exchDlvCst: 6000,
    gblDlvYn: 'N',
    gftPackTypCd: '01',
    optionAllAddPrc: p.options.reduce((n, o) => n + o.addPrc, 0),
    optionAllQty: totalQty,
    prdNm: p.prdNm,
    prdNo: p.prdNo,
    prdWght: 0,
    selPrc: p.selPrc,
    selStatCd: totalQty > 0 ? p.selStatCd : '104',
    selStatNm: totalQty > 0 ? '판매중' : '품절',
    sellerPrdCd: p.sellerPrdCd,
    rtngdDlvCst: 3000,
    stdPrdYn: 'N',
  };
}

/** A row of `ns2:products` (sellerprodcode, 1621). */
export function productRow(p: Product): Fields {
  return { ...productCommon(p), imageKindChk: '', outsideYnIn: 'N', outsideYnOut: 'N', prcDscCmpExpYn: 'N', proxyYn: 'N', rootCtgrNo: '', selPrdClfCd: '', selTermUseYn: 'N', sellerItemEventYn: 'N', validateMsg: '' };
}

/** The fields of the `Product` root (prodmarket/{prdNo}, 1620). */
export function productDetail(p: Product): Fields {
  return {
    ...productCommon(p),
    asDetail: '상세페이지 참조',
    dlvClf: '02',
    htmlDetail: `<p>${p.prdNm}</p>`,
    message: '',
    nResult: '0',
    preSelPrc: p.selPrc,
    shopNo: '0',
  };
}

export function stockRow(p: Product, o: StockOption): Fields {
  return {
    addPrc: o.addPrc,
    mixDtlOptNm: o.mixDtlOptNm,
    mixOptNm: o.mixOptNm,
    mixOptNo: o.mixOptNo,
    optWght: o.optWght,
    prdNo: p.prdNo,
    prdStckNo: o.prdStckNo,
    prdStckStatCd: o.prdStckStatCd,
    selQty: o.selQty,
    sellerStockCd: o.sellerStockCd,
    stckQty: o.stckQty,
  };
}
