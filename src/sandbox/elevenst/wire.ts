// The bytes 11st sends: EUC-KR-declared XML encoded as CP949 (so UHC syllables such as 똠 survive),
// a JAXB-style `ns2` prefix on envelope and row elements only, leaf elements in alphabetical order.

import iconv from 'iconv-lite';

export const NS2_URI = 'http://skt.tmall.business.openapi.spring.service.client.domain/';
const DECLARATION = '<?xml version="1.0" encoding="euc-kr" standalone="yes"?>';
const DECLARATION_UPPER = '<?xml version="1.0" encoding="EUC-KR" standalone="yes"?>';

/** A leaf value: text, a number, or `null` for the literal four-letter `null` the API writes. */
export type Leaf = string | number | null;
export type Fields = Record<string, Leaf>;

const encodable = new Map<string, boolean>();

function isCp949(ch: string): boolean {
  let known = encodable.get(ch);
  if (known === undefined) {
    known = iconv.decode(iconv.encode(ch, 'cp949'), 'cp949') === ch;
    encodable.set(ch, known);
  }
  return known;
}

/** Escapes markup characters; anything CP949 cannot carry becomes a numeric character reference. */
export function escapeText(text: string): string {
  // Fast path: ASCII and precomposed Hangul (all in CP949) need only the markup escapes.
  if (!/[^\t\n\r -\x7f\uac00-\ud7a3]/.test(text)) {
    return /[&<>]/.test(text) ? text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') : text;
  }
  let out = '';
  for (const ch of text) {
    if (ch === '&') out += '&amp;';
    else if (ch === '<') out += '&lt;';
    else if (ch === '>') out += '&gt;';
    else if (ch.charCodeAt(0) < 0x80 || isCp949(ch)) out += ch;
    else out += `&#${ch.codePointAt(0)};`;
  }
  return out;
}

function leaf(name: string, value: Leaf): string {
  const text = value === null ? 'null' : escapeText(String(value));
  return `<${name}>${text}</${name}>`;
}

const sortedKeyCache = new Map<string, string[]>();

/** Leaf elements in ASCII order of their names, as every captured 11st row shows them. */
export function sortedLeaves(fields: Fields): string {
  const keys = Object.keys(fields);
  const signature = keys.join(',');
  let sorted = sortedKeyCache.get(signature);
  if (!sorted) {
    sorted = [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    sortedKeyCache.set(signature, sorted);
  }
  let out = '';
  for (const k of sorted) out += leaf(k, fields[k] ?? null);
  return out;
}

/** Leaf elements in the given order (for roots whose documented order is not alphabetical). */
export function orderedLeaves(fields: Fields): string {
  return Object.entries(fields)
    .map(([k, v]) => leaf(k, v))
    .join('');
}

export function toBytes(xml: string, upperDeclaration = false): Buffer {
  const text = `${upperDeclaration ? DECLARATION_UPPER : DECLARATION}\n${xml}`;
  // Mostly ASCII: encode only the non-ASCII runs through iconv (its DBCS encoder is slow per char).
  const parts = text.split(/([^\t\n\r -\x7f]+)/);
  return Buffer.concat(parts.map((part, i) => (i % 2 === 1 ? iconv.encode(part, 'cp949') : Buffer.from(part, 'latin1'))));
}

// ---- order and claim lists (`ns2:orders`) ------------------------------------------------------

export function ordersXml(rows: readonly Fields[]): string {
  return `<ns2:orders xmlns:ns2="${NS2_URI}">${rows.map((r) => `<ns2:order>${sortedLeaves(r)}</ns2:order>`).join('')}</ns2:orders>`;
}

export function ordersResultXml(code: string, text: string): string {
  return `<ns2:orders xmlns:ns2="${NS2_URI}"><ns2:result_code>${escapeText(code)}</ns2:result_code><ns2:result_text>${escapeText(text)}</ns2:result_text></ns2:orders>`;
}

// ---- actions (`ResultOrder`) --------------------------------------------------------------------

export function resultOrderXml(code: string, text: string): string {
  return `<ResultOrder>${orderedLeaves({
    openMallID: '11ST',
    open_11st_mall: '',
    open_done_payment_interface: '',
    result_code: code,
    result_text: text,
  })}</ResultOrder>`;
}

// ---- products -----------------------------------------------------------------------------------

export function productsXml(rows: readonly Fields[]): string {
  if (rows.length === 0) return `<ns2:products xmlns:ns2="${NS2_URI}"/>`;
  return `<ns2:products xmlns:ns2="${NS2_URI}">${rows.map((r) => `<ns2:product>${sortedLeaves(r)}</ns2:product>`).join('')}</ns2:products>`;
}

export function productXml(fields: Fields): string {
  return `<Product>${sortedLeaves(fields)}</Product>`;
}

/** Product-read error body (auth, maintenance, not found). */
export function productsMessageXml(message: string): string {
  return `<Products>${leaf('message', message)}</Products>`;
}

export function productStocksXml(
  stocks: readonly Fields[],
  product: { prdNm: string; prdNo: string; sellerPrdCd: string },
): string {
  const rows = stocks.map((s) => `<ns2:ProductStock>${sortedLeaves(s)}</ns2:ProductStock>`).join('');
  return (
    `<ns2:ProductStocks xmlns:ns2="${NS2_URI}">${rows}` +
    `<ns2:prdNm>${escapeText(product.prdNm)}</ns2:prdNm><ns2:prdNo>${product.prdNo}</ns2:prdNo>` +
    `<ns2:sellerPrdCd>${escapeText(product.sellerPrdCd)}</ns2:sellerPrdCd>` +
    `<productComponents></productComponents></ns2:ProductStocks>`
  );
}

// ---- stock writes (`ClientMessage`) and auth ----------------------------------------------------

export function clientMessageXml(productNo: string, message: string, resultCode: string): string {
  return `<ClientMessage>${orderedLeaves({ productNo, message, resultCode })}</ClientMessage>`;
}

export function authMessageXml(callerIp: string): string {
  return `<AuthMessage>${orderedLeaves({
    resultCode: '-500',
    resultMessage: `[${callerIp}]인증된 IP가 아닙니다. 등록된 IP 정보를 확인하십시오.`,
  })}</AuthMessage>`;
}

/** Decodes a request body: honours an XML declaration naming EUC-KR, otherwise UTF-8. */
export function decodeRequestBody(body: Buffer): string {
  const head = body.subarray(0, 100).toString('latin1');
  return /encoding\s*=\s*["'](euc-kr|cp949|ms949|ks_c_5601-1987)["']/i.test(head) ? iconv.decode(body, 'cp949') : body.toString('utf8');
}
