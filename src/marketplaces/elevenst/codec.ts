/**
 * Pure translation between 11st wire bytes and typed 11st records. No I/O, no hub words.
 *
 * Parsing is by local element names (the `ns2:` prefix is on envelopes and rows only, and some
 * roots carry a stray `xmlns:ns2`), values stay text (17-digit order numbers), and `""` / `"null"`
 * read as absent.
 */
import iconv from 'iconv-lite';
import { invalidKeyText } from './codes.ts';
import { readXml, XmlError } from './xml.ts';

/** The answer could not be read as any 11st response shape. */
export class CodecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CodecError';
  }
}

/** 11st answers in EUC-KR; CP949 is its superset and covers the UHC syllables (똠, 햏, 뷁, 샾). */
export function decodeBody(bytes: Uint8Array): string {
  return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'cp949');
}

/** One 11st record: every field as text, absent fields left out. */
export type MallRecord = Readonly<Record<string, string>>;

export type OrderField =
  | 'addPrdNo' | 'addPrdYn' | 'bmDlvCst' | 'bndlDlvSeq' | 'bndlDlvYN' | 'dlvCst' | 'dlvEtprsCd' | 'dlvMthdCd'
  | 'dlvNo' | 'dlvSndDue' | 'invcNo' | 'lstDlvCst' | 'lstSellerDscPrc' | 'lstTmallDscPrc' | 'memID' | 'ordAmt'
  | 'ordBaseAddr' | 'ordDlvReqCont' | 'ordDt' | 'ordDtlsAddr' | 'ordMailNo' | 'ordNm' | 'ordNo' | 'ordOptWonStl'
  | 'ordPayAmt' | 'ordPayAmtPerSeq' | 'ordPrdSeq' | 'ordPrdStat' | 'ordPrtblTel' | 'ordQty' | 'ordStlEndDt'
  | 'ordTlphnNo' | 'plcodrCnfDt' | 'prdNm' | 'prdNo' | 'prdStckNo' | 'rcvrBaseAddr' | 'rcvrDtlsAddr'
  | 'rcvrMailNo' | 'rcvrNm' | 'rcvrPrtblNo' | 'rcvrTlphn' | 'selPrc' | 'sellerDscPrc' | 'sellerDscPrcPerSeq'
  | 'sellerPrdCd' | 'sellerStockCd' | 'slctPrdOptNm' | 'sndEndDt' | 'stlPlnAmt' | 'tmallDscPrc'
  | 'tmallDscPrcPerSeq' | 'ordCnQty' | 'ordPrdStatNm';

export type ClaimField =
  | 'createDt' | 'dlvNo' | 'ordCnDtlsRsn' | 'ordCnQty' | 'ordCnMnbdCd' | 'ordCnRsnCd' | 'ordCnStatCd' | 'ordNo'
  | 'ordPrdCnSeq' | 'ordPrdSeq' | 'prdNo' | 'slctPrdOptNm' | 'referSeq';

export type ProductField = 'prdNo' | 'prdNm' | 'sellerPrdCd' | 'selStatCd' | 'selStatNm' | 'selPrc';

export type StockField =
  | 'addPrc' | 'mixDtlOptNm' | 'mixOptNm' | 'mixOptNo' | 'optWght' | 'prdNo' | 'prdStckNo' | 'prdStckStatCd'
  | 'selQty' | 'sellerStockCd' | 'stckQty';

export type OrderRecord = MallRecord & { readonly [K in OrderField]?: string };
export type ClaimRecord = MallRecord & { readonly [K in ClaimField]?: string };
export type ProductRecord = MallRecord & { readonly [K in ProductField]?: string };
export type StockRecord = MallRecord & { readonly [K in StockField]?: string };

/** An answer the mall gave instead of data. */
export interface MallFailure {
  /** Local name of the root element, e.g. `orders`, `ResultOrder`, `AuthMessage`. */
  root: string;
  code: string;
  message: string;
  /** The caller IP an `AuthMessage` names. */
  callerIp?: string;
}

export type ListOutcome<R> =
  | { kind: 'rows'; rows: R[] }
  | { kind: 'empty'; code: string; message: string }
  | { kind: 'failure'; failure: MallFailure };

export type ActionOutcome = { kind: 'ok'; code: string; message: string } | { kind: 'failure'; failure: MallFailure };

export interface ProductStocks {
  productNo?: string;
  productName?: string;
  sellerProductCode?: string;
  stocks: StockRecord[];
}

const rowNames = new Set(['order', 'product', 'ProductStock', 'productComponent']);

type Node = Record<string, unknown>;

/** An 11st answer read once: its root's local name and content. Decoders take it or the text. */
export interface Answer {
  root: string;
  body: Node;
}

/** Parses any 11st answer into its root's local name and content. */
export function parseRoot(text: string): Answer {
  if (text.trim() === '') throw new CodecError('empty response body');
  let doc: Node;
  try {
    doc = readXml(text, rowNames);
  } catch (err) {
    if (err instanceof XmlError) throw new CodecError(`malformed XML: ${err.message}`);
    throw err;
  }
  const roots = Object.keys(doc);
  const root = roots[0];
  if (roots.length !== 1 || root === undefined) throw new CodecError(`expected one root element, got ${roots.length}`);
  const body = doc[root];
  return { root, body: isNode(body) ? body : {} };
}

const answerOf = (input: string | Answer): Answer => (typeof input === 'string' ? parseRoot(input) : input);

/** The answer, or undefined when the text cannot be read as XML with one root. */
export function readAnswer(text: string): Answer | undefined {
  try {
    return parseRoot(text);
  } catch {
    return undefined;
  }
}

function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Text of a leaf, with `""` and the literal `null` read as absent. */
function leaf(v: unknown): string | undefined {
  if (Array.isArray(v)) return leaf(v[0]);
  if (typeof v !== 'string') return undefined;
  return v === '' || v === 'null' ? undefined : v;
}

/** A row's leaf fields as a record; nested groups (e.g. ProductTag) are left out. */
function toRecord(row: unknown): MallRecord {
  const out: Record<string, string> = {};
  if (!isNode(row)) return out;
  for (const [k, v] of Object.entries(row)) {
    const text = leaf(v);
    if (text !== undefined) out[k] = text;
  }
  return out;
}

function rows(body: Node, name: string): MallRecord[] {
  const list = body[name];
  return Array.isArray(list) ? list.map(toRecord) : [];
}

function unexpected(root: string, expected: string): never {
  throw new CodecError(`unexpected response root <${root}>, expected <${expected}>`);
}

/** Failures that can come from any call: the IP rejection, and the product APIs' error root. */
function commonFailure(root: string, body: Node): MallFailure | undefined {
  if (root === 'AuthMessage') {
    const message = leaf(body['resultMessage']) ?? '';
    const ip = /^\s*\[([^\]]+)\]/.exec(message)?.[1];
    return { root, code: leaf(body['resultCode']) ?? '', message, ...(ip ? { callerIp: ip } : {}) };
  }
  if (root === 'Products') return { root, code: leaf(body['resultCode']) ?? '', message: leaf(body['message']) ?? '' };
  if (root === 'ClientMessage' || root === 'ResultOrder') {
    const code = leaf(body['resultCode']) ?? leaf(body['result_code']) ?? '';
    const message = leaf(body['message']) ?? leaf(body['result_text']) ?? leaf(body['resultMessage']) ?? '';
    return { root, code, message };
  }
  return undefined;
}

/**
 * Order-list family (`complete`, `packaging`, by-number): rows, or `result_code` 0 for "nothing found",
 * or a negative `result_code`.
 */
export function decodeOrderList(input: string | Answer): ListOutcome<OrderRecord> {
  return decodeOrdersEnvelope(input, (code) => code === '0');
}

// "해당 건이 없습니다." means empty; the unknown-key message also ends in 없습니다 and is not.
const claimEmptyText = '없습니다';

/** Claim-list family (`cancelorders`, `canceledorders`): "nothing found" is `-1` + `해당 건이 없습니다.` */
export function decodeClaimList(input: string | Answer): ListOutcome<ClaimRecord> {
  return decodeOrdersEnvelope(input, (code, message) => code === '0' || (code === '-1' && message.includes(claimEmptyText) && !message.includes(invalidKeyText)));
}

function decodeOrdersEnvelope(input: string | Answer, isEmpty: (code: string, message: string) => boolean): ListOutcome<MallRecord> {
  const { root, body } = answerOf(input);
  const common = commonFailure(root, body);
  if (root !== 'orders') return common ? { kind: 'failure', failure: common } : unexpected(root, 'orders');
  const found = rows(body, 'order');
  const code = leaf(body['result_code']);
  if (found.length > 0) return { kind: 'rows', rows: found };
  if (code === undefined) return { kind: 'rows', rows: [] };
  const message = leaf(body['result_text']) ?? '';
  if (isEmpty(code, message)) return { kind: 'empty', code, message };
  return { kind: 'failure', failure: { root, code, message } };
}

/** `ResultOrder` answers of the order and claim actions: `result_code` 0 is success. */
export function decodeActionResult(input: string | Answer): ActionOutcome {
  const { root, body } = answerOf(input);
  if (root === 'ResultOrder') {
    const code = leaf(body['result_code']);
    const message = leaf(body['result_text']) ?? '';
    if (code === undefined) throw new CodecError('ResultOrder without result_code');
    return code === '0' ? { kind: 'ok', code, message } : { kind: 'failure', failure: { root, code, message } };
  }
  const common = commonFailure(root, body);
  return common ? { kind: 'failure', failure: common } : unexpected(root, 'ResultOrder');
}

/** `ClientMessage` answers of product/stock writes: `resultCode` 200 is success. */
export function decodeClientMessage(input: string | Answer): ActionOutcome & { subjectNo?: string } {
  const { root, body } = answerOf(input);
  if (root === 'ClientMessage') {
    const code = leaf(body['resultCode']);
    const message = leaf(body['message']) ?? '';
    if (code === undefined) throw new CodecError('ClientMessage without resultCode');
    const subjectNo = leaf(body['productNo']);
    if (code === '200') return { kind: 'ok', code, message, ...(subjectNo ? { subjectNo } : {}) };
    return { kind: 'failure', failure: { root, code, message } };
  }
  const common = commonFailure(root, body);
  return common ? { kind: 'failure', failure: common } : unexpected(root, 'ClientMessage');
}

/** `ns2:products` (search by seller product code); an empty root means nothing found. */
export function decodeProducts(input: string | Answer): ListOutcome<ProductRecord> {
  const { root, body } = answerOf(input);
  if (root === 'products') {
    const found = rows(body, 'product').filter((r) => r['prdNo'] !== undefined);
    return found.length > 0 ? { kind: 'rows', rows: found } : { kind: 'empty', code: '', message: leaf(body['message']) ?? '' };
  }
  if (root === 'Product') {
    const record = toRecord(body);
    if (record['prdNo'] !== undefined) return { kind: 'rows', rows: [record] };
  }
  const common = commonFailure(root, body);
  return common ? { kind: 'failure', failure: common } : unexpected(root, 'products');
}

/** `ns2:ProductStocks` (option stocks of one product). */
export function decodeProductStocks(input: string | Answer): { kind: 'stocks'; value: ProductStocks } | { kind: 'failure'; failure: MallFailure } {
  const { root, body } = answerOf(input);
  if (root === 'ProductStocks') {
    const productNo = leaf(body['prdNo']);
    const productName = leaf(body['prdNm']);
    const sellerProductCode = leaf(body['sellerPrdCd']);
    return {
      kind: 'stocks',
      value: {
        ...(productNo ? { productNo } : {}),
        ...(productName ? { productName } : {}),
        ...(sellerProductCode ? { sellerProductCode } : {}),
        stocks: rows(body, 'ProductStock'),
      },
    };
  }
  const common = commonFailure(root, body);
  return common ? { kind: 'failure', failure: common } : unexpected(root, 'ProductStocks');
}

/** Root elements (local names) an 11st answer can have. */
const mallRoots = new Set(['orders', 'ResultOrder', 'ClientMessage', 'AuthMessage', 'Products', 'products', 'Product', 'ProductStocks']);

/**
 * The root, result code and message of an 11st answer, without judging them; undefined when the text
 * is not an 11st answer at all (cut off, not XML, or e.g. an HTML error page, which parses as XML).
 * Used to decide on retries before the full decode.
 */
export function peekResult(input: string | Answer | undefined): { root: string; code?: string; message?: string } | undefined {
  const parsed = typeof input === 'string' ? readAnswer(input) : input;
  if (parsed === undefined) return undefined;
  const { root, body } = parsed;
  if (!mallRoots.has(root)) return undefined;
  const code = leaf(body['result_code']) ?? leaf(body['resultCode']);
  const message = leaf(body['result_text']) ?? leaf(body['resultMessage']) ?? leaf(body['message']);
  return { root, ...(code !== undefined ? { code } : {}), ...(message !== undefined ? { message } : {}) };
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

export interface StockUpdateBody {
  prdNo: string;
  prdStckNo: string;
  stckQty: number;
  optWght: string;
}

/** Body of `PUT stockqty/{prdStckNo}`: UTF-8 with a matching declaration; all four fields (v1.2). */
export function encodeStockUpdate(body: StockUpdateBody): string {
  if (!Number.isSafeInteger(body.stckQty) || body.stckQty < 0) throw new CodecError(`stckQty must be a whole number >= 0, got ${body.stckQty}`);
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<ProductStock>' +
    `<prdNo>${escapeXml(body.prdNo)}</prdNo>` +
    `<prdStckNo>${escapeXml(body.prdStckNo)}</prdStckNo>` +
    `<stckQty>${body.stckQty}</stckQty>` +
    `<optWght>${escapeXml(body.optWght)}</optWght>` +
    '</ProductStock>'
  );
}
