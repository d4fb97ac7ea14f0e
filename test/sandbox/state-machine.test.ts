import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, call, control, createOrders, kst, lastWeek, lineState, resultCode, resultText, rows, sandbox, xml } from './helpers.ts';

describe('11st sandbox order-line state machine', () => {
  let sb: Sandbox;
  let prdNo: string;
  let stockNos: string[];
  let otherPrdNo: string;

  beforeAll(async () => {
    sb = await sandbox();
    const product = await control(sb, 'POST', '/__sandbox/products', {
      apiKey: sb.apiKey,
      prdNm: '스테인리스 텀블러',
      sellerPrdCd: 'TUM-1',
      options: [
        { sellerStockCd: 'TUM-SV', name: '색상:실버', stckQty: 50 },
        { sellerStockCd: 'TUM-MT', name: '색상:민트', stckQty: 0 },
      ],
    });
    prdNo = product.body.prdNo;
    stockNos = product.body.options.map((o: { prdStckNo: string }) => o.prdStckNo);
    otherPrdNo = (await control(sb, 'POST', '/__sandbox/products', { apiKey: sb.apiKey, prdNm: '핸드메이드 가죽 지갑' })).body.prdNo;
  });
  afterAll(() => sb.close());

  const confirmPath = (ordNo: string, seq: string, dlvNo: string) => `/rest/ordservices/reqpackaging/${ordNo}/${seq}/N/null/${dlvNo}`;

  it('confirms a paid line to 301, answers -3206 on the repeat, and lists it as preparing', async () => {
    const [order] = await createOrders(sb, [{ lines: [{ prdStckNo: stockNos[0] }] }]);
    const line = order!.lines[0]!;
    const first = await call(sb, confirmPath(order!.ordNo, '1', line.dlvNo));
    expect(resultCode(first.text)).toBe('0');
    expect(resultText(first.text)).toBe('전체 1건이 정상적으로 발주처리가 되었습니다.');
    expect((await lineState(sb, order!.ordNo, '1')).status).toBe('301');
    const again = await call(sb, confirmPath(order!.ordNo, '1', line.dlvNo));
    expect(resultCode(again.text)).toBe('-3206');

    const paid = rows((await call(sb, `/rest/ordservices/complete/${lastWeek()}`)).text);
    expect(paid.some((r) => r.ordNo === order!.ordNo)).toBe(false);
    const preparing = rows((await call(sb, `/rest/ordservices/packaging/${lastWeek()}`)).text).find((r) => r.ordNo === order!.ordNo);
    expect(preparing?.ordPrdStat).toBe('301');
    expect(preparing?.plcodrCnfDt).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  });

  it('needs the literal null as addPrdNo for an ordinary line and the right dlvNo', async () => {
    const [order] = await createOrders(sb, [{ lines: [{ prdStckNo: stockNos[0] }] }]);
    const line = order!.lines[0]!;
    expect(resultCode((await call(sb, `/rest/ordservices/reqpackaging/${order!.ordNo}/1/N/0/${line.dlvNo}`)).text)).toBe('-1');
    expect(resultCode((await call(sb, confirmPath(order!.ordNo, '1', '1234567890'))).text)).toBe('-1');
    expect((await lineState(sb, order!.ordNo, '1')).status).toBe('202');
  });

  it('dispatches a whole bundle to 401, recording carrier and tracking number, and answers -3308 on the repeat', async () => {
    const [order] = await createOrders(sb, [{ bundle: true, lines: [{ prdStckNo: stockNos[0] }, { addPrd: true }, { prdNo: otherPrdNo }] }]);
    const [main, addOn, other] = order!.lines;
    expect(new Set(order!.lines.map((l) => l.dlvNo)).size).toBe(1);
    // Confirming the main line confirms its add-on; the other product needs its own call.
    expect(resultText((await call(sb, confirmPath(order!.ordNo, main!.ordPrdSeq, main!.dlvNo))).text)).toBe('전체 2건이 정상적으로 발주처리가 되었습니다.');
    expect((await lineState(sb, order!.ordNo, addOn!.ordPrdSeq)).status).toBe('301');
    expect((await lineState(sb, order!.ordNo, other!.ordPrdSeq)).status).toBe('202');
    expect(resultCode((await call(sb, `/rest/ordservices/reqpackaging/${order!.ordNo}/${addOn!.ordPrdSeq}/Y/${prdNo}/${addOn!.dlvNo}`)).text)).toBe('-3206');
    expect(resultCode((await call(sb, confirmPath(order!.ordNo, other!.ordPrdSeq, other!.dlvNo))).text)).toBe('0');

    const ship = await call(sb, `/rest/ordservices/reqdelivery/${kst()}/01/00034/601234567890/${main!.dlvNo}`);
    expect(resultCode(ship.text)).toBe('0');
    expect(resultText(ship.text)).toBe('전체 3건이 정상적으로 발송처리가 되었습니다.');
    for (const l of order!.lines) {
      expect(await lineState(sb, order!.ordNo, l.ordPrdSeq)).toMatchObject({ status: '401', dlvEtprsCd: '00034', invcNo: '601234567890', dlvMthdCd: '01' });
    }
    const again = await call(sb, `/rest/ordservices/reqdelivery/${kst()}/01/00034/601234567890/${main!.dlvNo}`);
    expect(resultCode(again.text)).toBe('-3308');
    const lookup = rows((await call(sb, `/rest/ordservices/complete/${order!.ordNo}`)).text);
    expect(lookup.map((r) => [r.ordPrdStat, r.dlvEtprsCd, r.invcNo])).toEqual(Array(3).fill(['401', '00034', '601234567890']));
  });

  it('refuses dispatch of unconfirmed lines, unknown carriers, bad and reused tracking numbers', async () => {
    const [a, b] = await createOrders(sb, [{ lines: [{}] }, { lines: [{}] }]);
    const dlvA = a!.lines[0]!.dlvNo;
    expect(resultCode((await call(sb, `/rest/ordservices/reqdelivery/${kst()}/01/00034/701234567890/${dlvA}`)).text)).toBe('-3313');
    await call(sb, confirmPath(a!.ordNo, '1', dlvA));
    expect(resultCode((await call(sb, `/rest/ordservices/reqdelivery/${kst()}/01/99999/701234567890/${dlvA}`)).text)).toBe('-3307');
    expect(resultCode((await call(sb, `/rest/ordservices/reqdelivery/${kst()}/01/00034/12-3/${dlvA}`)).text)).toBe('-3306');
    expect(resultCode((await call(sb, `/rest/ordservices/reqdelivery/${kst()}/01/00034/601234567890/${dlvA}`)).text)).toBe('-3320');
    expect((await lineState(sb, a!.ordNo, '1')).status).toBe('301');
    // 배송없음: carrier and tracking number are the literal null.
    expect(resultCode((await call(sb, `/rest/ordservices/reqdelivery/${kst()}/05/null/null/${dlvA}`)).text)).toBe('0');
    expect(await lineState(sb, a!.ordNo, '1')).toMatchObject({ status: '401', dlvMthdCd: '99', invcNo: null });
    expect(b).toBeDefined();
  });

  it('dispatches part of a bundle with partDlvYn=Y, then the rest', async () => {
    const [order] = await createOrders(sb, [{ lines: [{ prdNm: '상품 가' }, { prdNm: '상품 나' }] }]);
    const [l1, l2] = order!.lines;
    await call(sb, confirmPath(order!.ordNo, '1', l1!.dlvNo));
    await call(sb, confirmPath(order!.ordNo, '2', l2!.dlvNo));
    const part = await call(sb, `/rest/ordservices/reqdelivery/${kst()}/01/00011/811111111111/${l1!.dlvNo}/Y/${order!.ordNo}/1`);
    expect(resultCode(part.text)).toBe('0');
    expect((await lineState(sb, order!.ordNo, '1')).status).toBe('401');
    expect((await lineState(sb, order!.ordNo, '2')).status).toBe('301');
    expect(resultCode((await call(sb, `/rest/ordservices/reqdelivery/${kst()}/01/00011/811111111111/${l1!.dlvNo}/Y/${order!.ordNo}/1`)).text)).toBe('-3308');
    expect(resultCode((await call(sb, `/rest/ordservices/reqdelivery/${kst()}/01/00011/822222222222/${l1!.dlvNo}/Y/${order!.ordNo}/2`)).text)).toBe('0');
    expect(await lineState(sb, order!.ordNo, '2')).toMatchObject({ status: '401', invcNo: '822222222222', dlvEtprsCd: '00011' });
  });

  it('moves shipped lines to 501 and 901 through the control API, and dispatch then answers -3309', async () => {
    const [order] = await createOrders(sb, [{ lines: [{}] }]);
    const dlvNo = order!.lines[0]!.dlvNo;
    const early = await control(sb, 'POST', '/__sandbox/lines/advance', { ordNo: order!.ordNo, ordPrdSeq: '1', to: '501' });
    expect(early.status).toBe(409);
    await call(sb, confirmPath(order!.ordNo, '1', dlvNo));
    await call(sb, `/rest/ordservices/reqdelivery/${kst()}/01/00034/901234567890/${dlvNo}`);
    expect((await control(sb, 'POST', '/__sandbox/lines/advance', { ordNo: order!.ordNo, ordPrdSeq: '1', to: '501' })).body.status).toBe('501');
    expect(resultCode((await call(sb, `/rest/ordservices/reqdelivery/${kst()}/01/00034/901234567890/${dlvNo}`)).text)).toBe('-3309');
    expect((await control(sb, 'POST', '/__sandbox/lines/advance', { ordNo: order!.ordNo, ordPrdSeq: '1', to: '901' })).body).toMatchObject({ status: '901' });
  });

  it('never confirms a line with a pending cancel request (-3214), lists the request, and approving it cancels the line (B01)', async () => {
    const [order] = await createOrders(sb, [{ lines: [{ prdStckNo: stockNos[0], qty: 2 }] }]);
    const line = order!.lines[0]!;
    const stockBefore = (await control(sb, 'GET', '/__sandbox/state')).body.products.find((p: { prdNo: string }) => p.prdNo === prdNo).options[0].stckQty;
    const req = await control(sb, 'POST', '/__sandbox/cancel-requests', { ordNo: order!.ordNo, ordPrdSeq: '1', reason: '단순 변심' });
    expect(req.status).toBe(200);
    expect(resultCode((await call(sb, confirmPath(order!.ordNo, '1', line.dlvNo))).text)).toBe('-3214');
    expect((await lineState(sb, order!.ordNo, '1')).status).toBe('202');

    const claims = rows((await call(sb, `/rest/claimservice/cancelorders/${lastWeek()}`)).text);
    const claim = claims.find((c) => c.ordNo === order!.ordNo);
    expect(claim).toMatchObject({ ordCnStatCd: '01', ordPrdSeq: '1', ordCnQty: '2', ordCnDtlsRsn: '단순 변심', ordCnMnbdCd: '01', dlvNo: line.dlvNo });
    expect(claim?.ordPrdCnSeq).toBe(req.body.ordPrdCnSeq);

    expect(resultCode((await call(sb, `/rest/claimservice/cancelreqconf/999/${order!.ordNo}/1`)).text)).toBe('-22004');
    const approve = await call(sb, `/rest/claimservice/cancelreqconf/${claim!.ordPrdCnSeq}/${order!.ordNo}/1`);
    expect(xml(approve.text).ResultOrder).toMatchObject({ result_code: '0', result_text: '전체 1건이 정상적으로 취소처리가 되었습니다.' });
    expect(await lineState(sb, order!.ordNo, '1')).toMatchObject({ status: 'B01', cancel: { ordCnStatCd: '02' } });
    expect(resultText((await call(sb, `/rest/claimservice/cancelreqconf/${claim!.ordPrdCnSeq}/${order!.ordNo}/1`)).text)).toContain('이미 취소 완료된 신청건 입니다.');
    expect(resultCode((await call(sb, confirmPath(order!.ordNo, '1', line.dlvNo))).text)).toBe('-3211');

    const done = rows((await call(sb, `/rest/claimservice/canceledorders/${lastWeek()}`)).text).find((c) => c.ordNo === order!.ordNo);
    expect(done).toMatchObject({ ordCnStatCd: '02' });
    expect(rows((await call(sb, `/rest/claimservice/cancelorders/${lastWeek()}`)).text).some((c) => c.ordNo === order!.ordNo)).toBe(false);
    const stockAfter = (await control(sb, 'GET', '/__sandbox/state')).body.products.find((p: { prdNo: string }) => p.prdNo === prdNo).options[0].stckQty;
    expect(stockAfter).toBe(stockBefore + 2);
  });

  it('blocks dispatch of a confirmed line with a pending cancel (-3310); rejecting the cancel ships it', async () => {
    const [order] = await createOrders(sb, [{ lines: [{}] }]);
    const line = order!.lines[0]!;
    await call(sb, confirmPath(order!.ordNo, '1', line.dlvNo));
    const req = await control(sb, 'POST', '/__sandbox/cancel-requests', { ordNo: order!.ordNo, ordPrdSeq: '1' });
    expect(resultCode((await call(sb, `/rest/ordservices/reqdelivery/${kst()}/01/00034/511111111111/${line.dlvNo}`)).text)).toBe('-3310');
    const sendDt = kst().slice(0, 8);
    const shortInvoice = await call(sb, `/rest/claimservice/cancelreqreject/${order!.ordNo}/1/${req.body.ordPrdCnSeq}/01/${sendDt}/00034/1234567890`);
    expect(resultCode(shortInvoice.text)).toBe('-23005');
    const reject = await call(sb, `/rest/claimservice/cancelreqreject/${order!.ordNo}/1/${req.body.ordPrdCnSeq}/01/${sendDt}/00034/511111111111`);
    expect(resultCode(reject.text)).toBe('0');
    expect(await lineState(sb, order!.ordNo, '1')).toMatchObject({ status: '401', invcNo: '511111111111', dlvEtprsCd: '00034' });
    expect(rows((await call(sb, `/rest/claimservice/cancelorders/${lastWeek()}`)).text).some((c) => c.ordNo === order!.ordNo)).toBe(false);
  });

  it('refuses a sale (판매불가) with a URL-encoded Korean reason: the line is cancelled by the seller', async () => {
    const [order] = await createOrders(sb, [{ lines: [{}] }]);
    const reason = encodeURIComponent('재고 부족/품절');
    expect(resultCode((await call(sb, `/rest/claimservice/reqrejectorder/${order!.ordNo}/1/55/${reason}`)).text)).toBe('-1');
    expect(resultCode((await call(sb, `/rest/claimservice/reqrejectorder/${order!.ordNo}/9/08/${reason}`)).text)).toBe('-21003');
    expect(resultCode((await call(sb, `/rest/claimservice/reqrejectorder/${order!.ordNo}/1/08/${reason}`)).text)).toBe('0');
    expect(await lineState(sb, order!.ordNo, '1')).toMatchObject({ status: 'B01', cancel: { ordCnStatCd: '02', requestedBy: '02', reason: '재고 부족/품절' } });
    expect(resultCode((await call(sb, `/rest/claimservice/reqrejectorder/${order!.ordNo}/1/08/${reason}`)).text)).toBe('-21004');
  });

  it('looks orders up by number, several at once with orderlistalladdr', async () => {
    const [a, b] = await createOrders(sb, [{ lines: [{}, {}] }, { lines: [{}] }]);
    const one = rows((await call(sb, `/rest/ordservices/complete/${a!.ordNo}`)).text);
    expect(one.map((r) => r.ordPrdSeq)).toEqual(['1', '2']);
    const many = rows((await call(sb, `/rest/claimservice/orderlistalladdr/${b!.ordNo},${a!.ordNo}`)).text);
    expect(a!.ordNo < b!.ordNo).toBe(true);
    expect(many.map((r) => `${r.ordNo}/${r.ordPrdSeq}/${r.ordPrdStatNm}`)).toEqual([`${a!.ordNo}/1/결제완료`, `${a!.ordNo}/2/결제완료`, `${b!.ordNo}/1/결제완료`]);
    const none = await call(sb, '/rest/ordservices/complete/20200101000000001');
    expect(resultCode(none.text)).toBe('0');
  });

  it('sets the absolute stock quantity of one option with PUT stockqty, from UTF-8 or EUC-KR XML', async () => {
    const [silver, mint] = stockNos as [string, string];
    const body = (qty: number, stck = silver) => `<?xml version="1.0" encoding="UTF-8"?><ProductStock><prdNo>${prdNo}</prdNo><prdStckNo>${stck}</prdStckNo><stckQty>${qty}</stckQty><optWght>0</optWght></ProductStock>`;
    const put = await call(sb, `/rest/prodservices/stockqty/${silver}`, { method: 'PUT', body: body(25) });
    expect(put.status).toBe(200);
    expect(xml(put.text).ClientMessage).toEqual({
      productNo: silver,
      message: `옵션재고 번호 ${silver}(상품번호:${prdNo})의 수량이 업데이트 되었습니다. 변경된 수량 : 25`,
      resultCode: '200',
    });
    // Absolute, not a delta: the same request twice leaves 25.
    await call(sb, `/rest/prodservices/stockqty/${silver}`, { method: 'PUT', body: body(25) });
    const stocks = xml((await call(sb, `/rest/prodmarketservice/prodmarket/stck/${prdNo}`)).text).ProductStocks.ProductStock;
    expect(stocks[0]).toMatchObject({ prdStckNo: silver, stckQty: '25', prdStckStatCd: '01' });
    expect(stocks[1]).toMatchObject({ prdStckNo: mint, stckQty: '0', prdStckStatCd: '02' });

    const eucKr = Buffer.concat([Buffer.from('<?xml version="1.0" encoding="euc-kr"?>'), Buffer.from(body(7, mint).replace(/^<\?xml[^>]*>/, ''))]);
    expect(xml((await call(sb, `/rest/prodservices/stockqty/${mint}`, { method: 'PUT', body: eucKr })).text).ClientMessage.resultCode).toBe('200');
    const after = xml((await call(sb, `/rest/prodmarketservice/prodmarket/stck/${prdNo}`)).text).ProductStocks.ProductStock;
    expect(after[1]).toMatchObject({ stckQty: '7', prdStckStatCd: '01' });

    expect(xml((await call(sb, '/rest/prodservices/stockqty/12345678901', { method: 'PUT', body: body(1, '12345678901') })).text).ClientMessage.resultCode).toBe('404');
    expect(xml((await call(sb, `/rest/prodservices/stockqty/${silver}`, { method: 'PUT', body: body(-1) })).text).ClientMessage.resultCode).toBe('400');
    expect(xml((await call(sb, `/rest/prodservices/stockqty/${silver}`, { method: 'PUT', body: 'qty=3' })).text).ClientMessage.resultCode).toBe('400');
  });

  it('logs OpenAPI requests without the key: method, path, key present, status and result code', async () => {
    await control(sb, 'POST', '/__sandbox/reset', {});
    await call(sb, `/rest/ordservices/complete/${lastWeek()}`, { key: null });
    await call(sb, '/rest/ordservices/packaging/bad/202601010000');
    const log = (await control(sb, 'GET', '/__sandbox/requests')).body.requests;
    expect(log).toHaveLength(2);
    expect(log[0]).toMatchObject({ method: 'GET', openapikeyPresent: false, status: 200, resultCode: '-1' });
    expect(log[1]).toMatchObject({ path: '/rest/ordservices/packaging/bad/202601010000', openapikeyPresent: true, status: 200, resultCode: '-3303' });
    expect(JSON.stringify(log)).not.toContain(sb.apiKey);
    // Reset keeps the key but drops orders and products.
    const state = (await control(sb, 'GET', '/__sandbox/state')).body;
    expect(state.keys.map((k: { apiKey: string }) => k.apiKey)).toContain(sb.apiKey);
    expect(state.lines).toHaveLength(0);
  });
});
