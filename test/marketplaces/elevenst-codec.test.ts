import { describe, expect, it } from 'vitest';
import {
  CodecError,
  decodeActionResult,
  decodeBody,
  decodeClaimList,
  decodeClientMessage,
  decodeOrderList,
  decodeProductStocks,
  decodeProducts,
  encodeStockUpdate,
  type OrderRecord,
} from '../../src/marketplaces/elevenst/codec.ts';
import { errorKindFor, type Operation } from '../../src/marketplaces/elevenst/codes.ts';
import { fixtureBytes, fixtureNames } from './fixtures.ts';

const text = (name: string) => decodeBody(fixtureBytes(name));

function rowsOf(name: string): OrderRecord[] {
  const out = decodeOrderList(text(name));
  if (out.kind !== 'rows') throw new Error(`${name}: expected rows, got ${out.kind}`);
  return out.rows;
}

describe('11st codec: bytes', () => {
  it('decodes CP949 bytes with UHC syllables that TextDecoder(euc-kr) would corrupt', () => {
    const bytes = fixtureBytes('complete-rows.xml');
    const decoded = decodeBody(bytes);
    for (const s of ['김똠이', '햏복한 면 타월 세트', '박뷁순', '샾하우스', '최쌰쌰']) expect(decoded).toContain(s);
    expect(decoded).not.toContain('\uFFFD');
    // The fixture really is CP949, not UTF-8: its bytes are not valid UTF-8 for these names.
    expect(bytes.toString('utf8')).not.toContain('김똠이');
  });

  it('every fixture is readable after CP949 decoding and none contains replacement characters', () => {
    const names = fixtureNames();
    expect(names.length).toBeGreaterThan(80);
    for (const name of names) expect(decodeBody(fixtureBytes(name)), name).not.toContain('\uFFFD');
  });
});

describe('11st codec: order lists', () => {
  it('reads a bundle: several rows, 17-digit order numbers kept exact as strings', () => {
    const rows = rowsOf('complete-rows.xml');
    expect(rows).toHaveLength(4);
    expect(rows.map((r) => r.ordNo)).toEqual(['20260501123456789', '20260501123456789', '20260501123456789', '20260501987654321']);
    expect(rows.map((r) => r.ordPrdSeq)).toEqual(['3', '7', '8', '1']);
    expect(new Set(rows.slice(0, 3).map((r) => r.dlvNo))).toEqual(new Set(['2600000001']));
    expect(typeof rows[0]?.typeBilNo).toBe('string');
    expect(rows[0]?.typeBilNo).toBe('4113510300106880000000001');
  });

  it('reads leaf fields by local name even though rows are ns2-prefixed', () => {
    const [row] = rowsOf('complete-rows.xml');
    expect(row?.prdNm).toBe('햏복한 면 타월 세트');
    expect(row?.slctPrdOptNm).toBe('색상/사이즈:아이보리/100cm-1개');
    expect(row?.ordStlEndDt).toBe('2026-05-01 10:12:30');
  });

  it('reads "" and the literal null as absent', () => {
    const [row] = rowsOf('complete-rows.xml');
    expect(row).toBeDefined();
    expect(row?.dlvMthdCd).toBeUndefined(); // <dlvMthdCd>null</dlvMthdCd>
    expect(row?.plcodrCnfDt).toBeUndefined();
    expect(row?.ordMailNo).toBeUndefined();
    expect(row?.invcNo).toBeUndefined(); // <invcNo/>
    expect(row?.dlvEtprsCd).toBeUndefined(); // <dlvEtprsCd></dlvEtprsCd>
    expect(Object.values(row ?? {})).not.toContain('null');
  });

  it('keeps a single-row answer a list', () => {
    const rows = rowsOf('complete-single.xml');
    expect(rows).toHaveLength(1);
    expect(rows[0]?.ordNo).toBe('20260502000000042');
  });

  it('reads result_code 0 "조회된 결과가 없습니다." as an empty result, not an error', () => {
    expect(decodeOrderList(text('complete-empty.xml'))).toEqual({ kind: 'empty', code: '0', message: '조회된 결과가 없습니다.' });
    expect(decodeOrderList(text('packaging-empty.xml')).kind).toBe('empty');
  });

  it('reads a negative result_code as a failure with code and message', () => {
    expect(decodeOrderList(text('complete-error-3105.xml'))).toEqual({
      kind: 'failure',
      failure: { root: 'orders', code: '-3105', message: '조회 기간은 최대 1주일 입니다.' },
    });
  });

  it('rejects truncated XML with a CodecError instead of returning partial rows', () => {
    expect(() => decodeOrderList(text('malformed-truncated.xml'))).toThrow(CodecError);
    expect(() => decodeOrderList('')).toThrow(CodecError);
    expect(() => decodeOrderList('<html><body>502 Bad Gateway</body></html>')).toThrow(/unexpected response root <html>/);
  });

  it('reads the IP rejection from any endpoint as a failure naming the caller IP', () => {
    expect(decodeOrderList(text('auth-ip-rejected.xml'))).toEqual({
      kind: 'failure',
      failure: { root: 'AuthMessage', code: '-500', message: '[203.0.113.9]인증된 IP가 아닙니다. 등록된 IP 정보를 확인하십시오.', callerIp: '203.0.113.9' },
    });
  });
});

describe('11st codec: claim lists', () => {
  it('reads -1 "해당 건이 없습니다." as empty', () => {
    expect(decodeClaimList(text('cancelorders-empty.xml')).kind).toBe('empty');
    expect(decodeClaimList(text('canceledorders-empty.xml')).kind).toBe('empty');
  });

  it('still reads -1 with the unknown-key message as a failure', () => {
    const out = decodeClaimList(text('cancelorders-error-1-key.xml'));
    expect(out.kind).toBe('failure');
  });

  it('reads a single claim row as a one-element list with the claim number', () => {
    const out = decodeClaimList(text('cancelorders-single.xml'));
    expect(out.kind).toBe('rows');
    if (out.kind !== 'rows') return;
    expect(out.rows).toHaveLength(1);
    expect(out.rows[0]).toMatchObject({ ordPrdCnSeq: '1', ordNo: '20260501123456789', ordPrdSeq: '3', ordCnStatCd: '01', ordCnDtlsRsn: '색상을 잘못 골랐어요 똠' });
  });
});

describe('11st codec: actions', () => {
  it('reads ResultOrder 0 as ok, with or without a stray xmlns:ns2', () => {
    expect(decodeActionResult(text('reqpackaging-ok.xml'))).toEqual({ kind: 'ok', code: '0', message: '전체 1건이 정상적으로 발주처리가 되었습니다.' });
    expect(decodeActionResult(text('reqpackaging-ok-stray-ns.xml')).kind).toBe('ok');
  });

  it('reads ClientMessage 200 as ok with the stock number', () => {
    expect(decodeClientMessage(text('stockqty-ok.xml'))).toMatchObject({ kind: 'ok', code: '200', subjectNo: '40000000001' });
  });

  it('reads ClientMessage 404 as a failure', () => {
    expect(decodeClientMessage(text('stockqty-error404.xml'))).toEqual({
      kind: 'failure',
      failure: { root: 'ClientMessage', code: '404', message: '상품재고번호를 찾을 수 없습니다.' },
    });
  });
});

describe('11st codec: products and stock', () => {
  it('reads a single product as a one-element list', () => {
    const out = decodeProducts(text('sellerprodcode-single.xml'));
    expect(out.kind).toBe('rows');
    if (out.kind === 'rows') expect(out.rows.map((r) => [r.prdNo, r.sellerPrdCd, r.selStatCd])).toEqual([['9000000001', 'TOWEL-SET', '103']]);
  });

  it('reads an empty <ns2:products/> as not found', () => {
    expect(decodeProducts(text('sellerprodcode-empty.xml')).kind).toBe('empty');
  });

  it('reads the Products/message error root as a failure', () => {
    expect(decodeProducts(text('sellerprodcode-error-key.xml'))).toMatchObject({ kind: 'failure', failure: { root: 'Products', message: 'OpenAPI Key 에 해당하는 유저가 없습니다.' } });
  });

  it('reads option stocks and the prefixed root-level product fields', () => {
    const out = decodeProductStocks(text('stck-options.xml'));
    expect(out.kind).toBe('stocks');
    if (out.kind !== 'stocks') return;
    expect(out.value).toMatchObject({ productNo: '9000000001', productName: '햏복한 면 타월 세트', sellerProductCode: 'TOWEL-SET' });
    expect(out.value.stocks.map((s) => [s.prdStckNo, s.sellerStockCd, s.stckQty, s.prdStckStatCd])).toEqual([
      ['40000000001', 'TOWEL-SET-IVORY-100', '30', '01'],
      ['40000000002', 'TOWEL-SET-GRAY-150', '27', '01'],
      ['40000000003', undefined, '0', '02'],
    ]);
  });

  it('keeps a product without options as a one-element stock list', () => {
    const out = decodeProductStocks(text('stck-single-no-option.xml'));
    expect(out.kind === 'stocks' && out.value.stocks.map((s) => [s.prdStckNo, s.mixOptNm, s.mixDtlOptNm])).toEqual([['40000000090', undefined, '단일상품']]);
  });
});

describe('11st codec: stock update body', () => {
  it('writes all four fields as UTF-8 XML with a matching declaration', () => {
    const xml = encodeStockUpdate({ prdNo: '9000000001', prdStckNo: '40000000001', stckQty: 25, optWght: '0' });
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<ProductStock><prdNo>9000000001</prdNo><prdStckNo>40000000001</prdStckNo><stckQty>25</stckQty><optWght>0</optWght></ProductStock>',
    );
  });

  it('refuses negative or fractional quantities', () => {
    expect(() => encodeStockUpdate({ prdNo: '1', prdStckNo: '2', stckQty: -1, optWght: '0' })).toThrow(CodecError);
    expect(() => encodeStockUpdate({ prdNo: '1', prdStckNo: '2', stckQty: 1.5, optWght: '0' })).toThrow(CodecError);
  });
});

/** Every documented error code, read from its fixture and mapped to the kind a caller acts on. */
const errorTable: [file: string, operation: Operation, kind: string][] = [
  ['complete-error-3103.xml', 'complete', 'bad_request'],
  ['complete-error-3104.xml', 'complete', 'bad_request'],
  ['complete-error-3105.xml', 'complete', 'window_too_long'],
  ['complete-error-1-key.xml', 'complete', 'invalid_api_key'],
  ['complete-error-1000.xml', 'complete', 'maintenance'],
  ['packaging-error-3303.xml', 'packaging', 'bad_request'],
  ['packaging-error-3304.xml', 'packaging', 'bad_request'],
  ['packaging-error-3305.xml', 'packaging', 'window_too_long'],
  ['packaging-error-1-key.xml', 'packaging', 'invalid_api_key'],
  ['packaging-error-1000.xml', 'packaging', 'maintenance'],
  ...[1, 2, 3, 4, 5, 6, 7].map((n): [string, Operation, string] => [`cancelorders-error-2800${n}.xml`, 'cancelorders', 'bad_request']),
  ['cancelorders-error-28008.xml', 'cancelorders', 'window_too_long'],
  ['cancelorders-error-1-key.xml', 'cancelorders', 'invalid_api_key'],
  ['cancelorders-error-1000.xml', 'cancelorders', 'maintenance'],
  ['reqpackaging-error-3206.xml', 'reqpackaging', 'already_done'],
  ['reqpackaging-error-3207.xml', 'reqpackaging', 'transient'],
  ['reqpackaging-error-3210.xml', 'reqpackaging', 'bad_request'],
  ['reqpackaging-error-3211.xml', 'reqpackaging', 'order_changed'],
  ['reqpackaging-error-3214.xml', 'reqpackaging', 'cancel_pending'],
  ['reqpackaging-error-1-key.xml', 'reqpackaging', 'invalid_api_key'],
  ['reqpackaging-error-1000.xml', 'reqpackaging', 'maintenance'],
  ['reqdelivery-error-3301.xml', 'reqdelivery', 'bad_request'],
  ['reqdelivery-error-3306.xml', 'reqdelivery', 'tracking_rejected'],
  ['reqdelivery-error-3307.xml', 'reqdelivery', 'bad_request'],
  ['reqdelivery-error-3308.xml', 'reqdelivery', 'already_done'],
  ['reqdelivery-error-3309.xml', 'reqdelivery', 'already_done'],
  ['reqdelivery-error-3310.xml', 'reqdelivery', 'order_changed'],
  ['reqdelivery-error-3311.xml', 'reqdelivery', 'transient'],
  ['reqdelivery-error-3313.xml', 'reqdelivery', 'order_changed'],
  ['reqdelivery-error-3320.xml', 'reqdelivery', 'tracking_rejected'],
  ['reqdelivery-error-3320-other-seller.xml', 'reqdelivery', 'tracking_rejected'],
  ['reqdelivery-error-3321.xml', 'reqdelivery', 'bad_request'],
  ['reqdelivery-error-1-key.xml', 'reqdelivery', 'invalid_api_key'],
  ['reqdelivery-error-1000.xml', 'reqdelivery', 'maintenance'],
  ...[1, 2, 3, 4].map((n): [string, Operation, string] => [`cancelreqconf-error-2200${n}.xml`, 'cancelreqconf', 'bad_request']),
  ['cancelreqconf-already.xml', 'cancelreqconf', 'already_done'],
  ['cancelreqconf-error-1-key.xml', 'cancelreqconf', 'invalid_api_key'],
  ['cancelreqconf-error-1000.xml', 'cancelreqconf', 'maintenance'],
  ...[1, 2, 3, 4, 6, 7, 8, 9].map((n): [string, Operation, string] => [`cancelreqreject-error-2300${n}.xml`, 'cancelreqreject', 'bad_request']),
  ['cancelreqreject-error-23005.xml', 'cancelreqreject', 'tracking_rejected'],
  ['cancelreqreject-error-1-key.xml', 'cancelreqreject', 'invalid_api_key'],
  ['cancelreqreject-error-1000.xml', 'cancelreqreject', 'maintenance'],
  ...[1, 2, 3].map((n): [string, Operation, string] => [`reqrejectorder-error-2100${n}.xml`, 'reqrejectorder', 'bad_request']),
  ['reqrejectorder-error-21004.xml', 'reqrejectorder', 'order_changed'],
  ['reqrejectorder-error-21005.xml', 'reqrejectorder', 'order_changed'],
  ['reqrejectorder-error-1-key.xml', 'reqrejectorder', 'invalid_api_key'],
  ['reqrejectorder-error-1000.xml', 'reqrejectorder', 'maintenance'],
  ['stockqty-error400.xml', 'stockqty', 'bad_request'],
  ['stockqty-error404.xml', 'stockqty', 'bad_request'],
  ['stockqty-error500.xml', 'stockqty', 'unknown'],
  ['stockqty-error500-key.xml', 'stockqty', 'invalid_api_key'],
  ['stockqty-error-1000.xml', 'stockqty', 'maintenance'],
  ['sellerprodcode-error-key.xml', 'sellerprodcode', 'invalid_api_key'],
  ['stck-error-key.xml', 'stck', 'invalid_api_key'],
  ['auth-ip-rejected.xml', 'reqdelivery', 'ip_not_allowed'],
];

function decodeFor(operation: Operation, body: string) {
  switch (operation) {
    case 'complete':
    case 'packaging':
    case 'orderByNo':
      return decodeOrderList(body);
    case 'cancelorders':
    case 'canceledorders':
      return decodeClaimList(body);
    case 'stockqty':
      return decodeClientMessage(body);
    case 'sellerprodcode':
      return decodeProducts(body);
    case 'stck':
      return decodeProductStocks(body);
    default:
      return decodeActionResult(body);
  }
}

describe('11st result codes → error kinds (every documented code, from fixture bytes)', () => {
  it.each(errorTable)('%s on %s → %s', (file, operation, kind) => {
    const out = decodeFor(operation, text(file));
    expect(out.kind).toBe('failure');
    if (out.kind !== 'failure') return;
    expect(out.failure.message.length).toBeGreaterThan(0);
    expect(errorKindFor(operation, out.failure.code, out.failure.message)).toBe(kind);
  });

  it('every error fixture is covered by the table', () => {
    const covered = new Set(errorTable.map(([f]) => f));
    const errorFixtures = fixtureNames().filter((f) => f.includes('error') && !f.startsWith('canceledorders'));
    expect(errorFixtures.filter((f) => !covered.has(f))).toEqual([]);
  });

  it('looks codes up per endpoint: -3104 is a bad end time on complete, not a window error', () => {
    expect(errorKindFor('complete', '-3104', 'x')).toBe('bad_request');
    expect(errorKindFor('packaging', '-3105', 'x')).toBe('unknown');
  });
});

describe('11st codec: peeking at an answer before decoding', () => {
  it('sees root and code of 11st answers, and nothing in an HTML error page or cut-off XML', async () => {
    const { peekResult } = await import('../../src/marketplaces/elevenst/codec.ts');
    expect(peekResult(text('reqpackaging-error-3207.xml'))).toMatchObject({ root: 'ResultOrder', code: '-3207' });
    expect(peekResult(text('auth-ip-rejected.xml'))).toMatchObject({ root: 'AuthMessage', code: '-500' });
    expect(peekResult(text('complete-rows.xml'))).toEqual({ root: 'orders' });
    expect(peekResult('<html><head><title>Error</title></head><body><h1>HTTP Status 500</h1></body></html>')).toBeUndefined();
    expect(peekResult(text('malformed-truncated.xml'))).toBeUndefined();
  });
});
