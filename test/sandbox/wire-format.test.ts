import iconv from 'iconv-lite';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CreatedOrder, type Sandbox, call, control, createOrders, lastWeek, rows, sandbox, xml } from './helpers.ts';

const NS = 'http://skt.tmall.business.openapi.spring.service.client.domain/';

/** Element names in document order, from raw XML text. */
function elementNames(text: string): string[] {
  return [...text.matchAll(/<([A-Za-z_][\w:.-]*)[\s>/]/g)].map((m) => m[1] ?? '');
}

/** The child element names of each row element, in order. */
function rowChildren(text: string, row: string): string[][] {
  return [...text.matchAll(new RegExp(`<${row}>(.*?)</${row}>`, 'gs'))].map((m) => elementNames(m[1] ?? ''));
}

const ascii = (names: string[]) => [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

describe('11st sandbox wire format', () => {
  let sb: Sandbox;
  let order: CreatedOrder;
  let prdNo: string;

  beforeAll(async () => {
    sb = await sandbox();
    const product = await control(sb, 'POST', '/__sandbox/products', {
      apiKey: sb.apiKey,
      sellerPrdCd: 'BLANKET-1',
      prdNm: '오가닉 블랭킷 뷁',
      selPrc: 39000,
      options: [
        { sellerStockCd: 'BLK-IV-100', name: '색상/사이즈:아이보리/100cm', stckQty: 10 },
        { sellerStockCd: 'BLK-GY-150', name: '색상/사이즈:그레이/150cm', stckQty: 5 },
      ],
    });
    prdNo = product.body.prdNo;
    [order] = (await createOrders(sb, [
      {
        ordNm: '김똠햏',
        rcvrNm: '박뷁샾',
        rcvrBaseAddr: '서울특별시 마포구 양화로 45',
        rcvrDtlsAddr: '3층 똠햏상회',
        ordDlvReqCont: null,
        lines: [{ prdStckNo: product.body.options[0].prdStckNo, qty: 1 }, { addPrd: true }, { prdStckNo: product.body.options[1].prdStckNo, qty: 2 }],
      },
    ])) as [CreatedOrder];
  });
  afterAll(() => sb.close());

  it('answers EUC-KR bytes with the euc-kr declaration, and UHC syllables survive a CP949 decode', async () => {
    const res = await call(sb, `/rest/ordservices/complete/${lastWeek()}`);
    expect(res.status).toBe(200);
    const declaration = '<?xml version="1.0" encoding="euc-kr" standalone="yes"?>\n';
    expect(res.bytes.subarray(0, declaration.length).toString('latin1')).toBe(declaration);
    // The names are in the body as CP949 bytes, not UTF-8.
    expect(res.bytes.includes(iconv.encode('김똠햏', 'cp949'))).toBe(true);
    expect(res.bytes.includes(Buffer.from('김똠햏', 'utf8'))).toBe(false);
    const r = rows(res.text);
    expect(r[0]?.ordNm).toBe('김똠햏');
    expect(r[0]?.rcvrNm).toBe('박뷁샾');
    expect(r[0]?.rcvrDtlsAddr).toBe('3층 똠햏상회');
    expect(r[0]?.prdNm).toBe('오가닉 블랭킷 뷁');
    expect(res.text).not.toContain('\ufffd');
  });

  it('prefixes only the envelope and row elements with ns2, and binds ns2 to the JAXB namespace', async () => {
    const { text } = await call(sb, `/rest/ordservices/complete/${lastWeek()}`);
    expect(XMLValidator.validate(text)).toBe(true);
    expect(text).toContain(`<ns2:orders xmlns:ns2="${NS}">`);
    const prefixed = new Set(elementNames(text).filter((n) => n.includes(':')));
    expect([...prefixed].sort()).toEqual(['ns2:order', 'ns2:orders']);
    expect(text).not.toMatch(/<ns2:ordNo>/);
  });

  it('writes the leaf elements of every row in ASCII order of their names', async () => {
    const { text } = await call(sb, `/rest/ordservices/complete/${lastWeek()}`);
    const children = rowChildren(text, 'ns2:order');
    expect(children).toHaveLength(3);
    for (const names of children) {
      expect(names.length).toBeGreaterThan(60);
      expect(names).toEqual(ascii(names));
    }
    // Case-sensitive order as in captured rows: bndlDlvSeq before bndlDlvYN, bmDlvCst before bmDlvCstType.
    const first = children[0] ?? [];
    expect(first.indexOf('bndlDlvSeq')).toBeLessThan(first.indexOf('bndlDlvYN'));
    expect(first.indexOf('bmDlvCst')).toBeLessThan(first.indexOf('bmDlvCstType'));
  });

  it('writes the literal null where the real API does, and empty elements elsewhere', async () => {
    const { text } = await call(sb, `/rest/ordservices/complete/${lastWeek()}`);
    const row = text.match(/<ns2:order>(.*?)<\/ns2:order>/s)?.[1] ?? '';
    expect(row).toContain('<dlvMthdCd>null</dlvMthdCd>');
    expect(row).toContain('<plcodrCnfDt>null</plcodrCnfDt>');
    expect(row).toContain('<ordDlvReqCont>null</ordDlvReqCont>');
    expect(row).toContain('<invcNo></invcNo>');
    expect(row).toContain('<dlvEtprsCd></dlvEtprsCd>');
  });

  it('carries 17-digit order numbers, a bundle sharing one dlvNo, add-on lines and option text', async () => {
    const { text } = await call(sb, `/rest/ordservices/complete/${lastWeek()}`);
    const r = rows(text);
    expect(order.ordNo).toMatch(/^\d{17}$/);
    expect(text).toContain(`<ordNo>${order.ordNo}</ordNo>`);
    expect(r.map((x) => x.ordNo)).toEqual([order.ordNo, order.ordNo, order.ordNo]);
    expect(new Set(r.map((x) => x.dlvNo)).size).toBe(1);
    expect(r[0]?.bndlDlvYN).toBe('Y');
    expect(r.map((x) => x.ordPrdStat)).toEqual(['202', '202', '202']);
    expect(r[0]?.slctPrdOptNm).toBe('색상/사이즈:아이보리/100cm-1개');
    expect(r[2]?.slctPrdOptNm).toBe('색상/사이즈:그레이/150cm-2개');
    expect(r[0]).toMatchObject({ addPrdYn: 'N', addPrdNo: '0', prdNo });
    expect(r[1]).toMatchObject({ addPrdYn: 'Y', addPrdNo: prdNo });
    expect(r[0]?.ordDt).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(r[0]?.dlvSndDue).toMatch(/ 00:00:00$/);
    expect(r[0]?.rcvrPrtblNo).toMatch(/^010-\d{4}-\d{4}$/);
  });

  it('answers an empty order list with result_code 0 and 조회된 결과가 없습니다.', async () => {
    const { status, text } = await call(sb, '/rest/ordservices/packaging/202001010000/202001050000');
    expect(status).toBe(200);
    expect(text).toBe(
      `<?xml version="1.0" encoding="euc-kr" standalone="yes"?>\n<ns2:orders xmlns:ns2="${NS}"><ns2:result_code>0</ns2:result_code><ns2:result_text>조회된 결과가 없습니다.</ns2:result_text></ns2:orders>`,
    );
  });

  it('answers actions with an unprefixed ResultOrder root', async () => {
    const line = order.lines[0]!;
    const { text } = await call(sb, `/rest/ordservices/reqpackaging/${order.ordNo}/${line.ordPrdSeq}/N/null/${line.dlvNo}`);
    expect(text).toMatch(/^<\?xml version="1.0" encoding="euc-kr" standalone="yes"\?>\n<ResultOrder><openMallID>11ST<\/openMallID>/);
    // Same delivery number and product: both option lines and the add-on are confirmed together.
    expect(xml(text).ResultOrder).toMatchObject({ result_code: '0', result_text: '전체 3건이 정상적으로 발주처리가 되었습니다.' });
  });

  it('answers the stock lookup as ns2:ProductStocks with prefixed root-level fields and unprefixed option fields', async () => {
    const { text } = await call(sb, `/rest/prodmarketservice/prodmarket/stck/${prdNo}`);
    expect(XMLValidator.validate(text)).toBe(true);
    expect(text).toContain(`<ns2:ProductStocks xmlns:ns2="${NS}">`);
    expect(text).toContain(`<ns2:prdNo>${prdNo}</ns2:prdNo>`);
    expect(text).toContain('<ns2:sellerPrdCd>BLANKET-1</ns2:sellerPrdCd>');
    for (const names of rowChildren(text, 'ns2:ProductStock')) {
      expect(names).toEqual(ascii(names));
      expect(names.some((n) => n.includes(':'))).toBe(false);
    }
    const stocks = xml(text).ProductStocks.ProductStock;
    expect(stocks.map((s: Record<string, string>) => [s.sellerStockCd, s.mixOptNm, s.mixDtlOptNm, s.stckQty])).toEqual([
      ['BLK-IV-100', '색상/사이즈', '아이보리/100cm', '9'],
      ['BLK-GY-150', '색상/사이즈', '그레이/150cm', '3'],
    ]);
  });

  it('finds products by seller product code and by number, and answers an unknown code with an empty ns2:products', async () => {
    const byCode = await call(sb, '/rest/prodmarketservice/sellerprodcode/BLANKET-1');
    expect(byCode.text).toContain(`<ns2:products xmlns:ns2="${NS}"><ns2:product>`);
    expect(xml(byCode.text).products.product[0]).toMatchObject({ prdNo, sellerPrdCd: 'BLANKET-1', prdNm: '오가닉 블랭킷 뷁', selStatCd: '103' });
    const unknown = await call(sb, '/rest/prodmarketservice/sellerprodcode/NOPE');
    expect(unknown.text).toContain(`<ns2:products xmlns:ns2="${NS}"/>`);
    const byNo = await call(sb, `/rest/prodmarketservice/prodmarket/${prdNo}`);
    expect(xml(byNo.text).Product).toMatchObject({ prdNo, sellerPrdCd: 'BLANKET-1', selPrc: '39000' });
    const missing = await call(sb, '/rest/prodmarketservice/prodmarket/1234567890');
    expect(missing.text).toContain('<Products><message>');
  });
});
