import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, HOUR, type Sandbox, call, control, createOrders, kst, lastWeek, resultCode, resultText, rows, sandbox, xml } from './helpers.ts';

const NO_USER = 'OpenAPI Key 에 해당하는 유저가 없습니다.';

describe('11st sandbox error blocks', () => {
  let sb: Sandbox;

  beforeAll(async () => {
    sb = await sandbox();
  });
  afterAll(() => sb.close());

  it('answers an unknown key with -1 and the no-user message in each endpoint family, over HTTP 200', async () => {
    for (const path of [`/rest/ordservices/complete/${lastWeek()}`, `/rest/claimservice/cancelorders/${lastWeek()}`]) {
      const res = await call(sb, path, { key: 'not-a-key' });
      expect(res.status).toBe(200);
      expect(resultCode(res.text)).toBe('-1');
      expect(resultText(res.text)).toBe(`주문/클레임 조회 오류 MSG : ${NO_USER}`);
    }
    const action = await call(sb, '/rest/ordservices/reqpackaging/20260101000000001/1/N/null/2600000001', { key: null });
    expect(xml(action.text).ResultOrder).toMatchObject({ result_code: '-1', result_text: `ERROR : ${NO_USER}` });
    const product = await call(sb, '/rest/prodmarketservice/prodmarket/stck/9000000001', { key: 'nope' });
    expect(product.text).toContain(`<Products><message>${NO_USER}</message></Products>`);
    const stock = await call(sb, '/rest/prodservices/stockqty/40000000001', { key: 'nope', method: 'PUT', body: '<ProductStock><stckQty>1</stckQty></ProductStock>' });
    expect(xml(stock.text).ClientMessage.resultCode).toBe('500');
    expect(xml(stock.text).ClientMessage.message).toMatch(new RegExp(`MSG : ${NO_USER}$`));
  });

  it('rejects a caller outside the key allow-list with HTTP 500 AuthMessage -500 naming the caller IP', async () => {
    const { body } = await control(sb, 'POST', '/__sandbox/keys', { allowIps: ['203.0.113.9'] });
    const res = await call(sb, `/rest/ordservices/complete/${lastWeek()}`, { key: body.apiKey });
    expect(res.status).toBe(500);
    expect(res.text).toBe(
      '<?xml version="1.0" encoding="EUC-KR" standalone="yes"?>\n<AuthMessage><resultCode>-500</resultCode><resultMessage>[127.0.0.1]인증된 IP가 아닙니다. 등록된 IP 정보를 확인하십시오.</resultMessage></AuthMessage>',
    );
    // Registering the caller lets it through.
    await control(sb, 'POST', '/__sandbox/keys', { apiKey: body.apiKey, allowIps: ['203.0.113.9', '127.0.0.1'] });
    const ok = await call(sb, `/rest/ordservices/complete/${lastWeek()}`, { key: body.apiKey });
    expect(ok.status).toBe(200);
    expect(resultCode(ok.text)).toBe('0');
  });

  it('answers -1000 on every API family while the maintenance switch is on', async () => {
    await control(sb, 'PUT', '/__sandbox/chaos', { maintenance: true });
    try {
      const list = await call(sb, `/rest/ordservices/packaging/${lastWeek()}`);
      expect(resultCode(list.text)).toBe('-1000');
      expect(resultText(list.text)).toContain('서버 점검중입니다');
      const action = await call(sb, `/rest/ordservices/reqdelivery/${kst()}/01/00034/123456789012/2600000001`);
      expect(resultCode(action.text)).toBe('-1000');
      const stock = await call(sb, '/rest/prodservices/stockqty/40000000001', { method: 'PUT', body: '<ProductStock><stckQty>1</stckQty></ProductStock>' });
      expect(resultCode(stock.text)).toBe('-1000');
    } finally {
      await control(sb, 'PUT', '/__sandbox/chaos', { maintenance: false });
    }
    expect(resultCode((await call(sb, `/rest/ordservices/packaging/${lastWeek()}`)).text)).toBe('0');
  });

  it('refuses windows of 8 days or more with each list endpoint own code, and accepts 7 days 23:59', async () => {
    const start = kst(-20 * DAY);
    const eightDays = kst(-12 * DAY);
    const justUnder = kst(-12 * DAY - 60_000);
    expect(resultCode((await call(sb, `/rest/ordservices/complete/${start}/${eightDays}`)).text)).toBe('-3105');
    expect(resultCode((await call(sb, `/rest/ordservices/packaging/${start}/${eightDays}`)).text)).toBe('-3305');
    expect(resultCode((await call(sb, `/rest/ordservices/complete/${start}/${justUnder}`)).text)).toBe('0');
    // Claim lists allow 30 days.
    expect(resultCode((await call(sb, `/rest/claimservice/cancelorders/${kst(-40 * DAY)}/${kst(-10 * DAY)}`)).text)).toBe('-1');
    expect(resultCode((await call(sb, `/rest/claimservice/cancelorders/${kst(-41 * DAY)}/${kst(-10 * DAY)}`)).text)).toBe('-28008');
  });

  it('validates 12-digit KST times: bad start and bad end have their own codes', async () => {
    const good = kst();
    const cases: [string, string, string][] = [
      [`/rest/ordservices/complete/2026050112/${good}`, '-3103', 'complete start too short'],
      [`/rest/ordservices/complete/${good}/202605011560`, '-3104', 'complete end minute 60'],
      [`/rest/ordservices/complete/202602301200/${good}`, '-3103', 'complete start 30 February'],
      [`/rest/ordservices/packaging/2026-05-01T00:00/${good}`, '-3303', 'packaging start ISO'],
      [`/rest/ordservices/packaging/${good}/20260501000000`, '-3304', 'packaging end with seconds'],
      [`/rest/claimservice/cancelorders/x/${good}`, '-28007', 'cancel start'],
      [`/rest/claimservice/cancelorders/${good}/x`, '-28006', 'cancel end'],
    ];
    for (const [path, code, label] of cases) {
      expect(resultCode((await call(sb, path)).text), label).toBe(code);
    }
    expect(resultCode((await call(sb, `/rest/ordservices/reqdelivery/2026050112/01/00034/123456789012/2600000001`)).text)).toBe('-3301');
  });

  it('caps a list answer at 3,000 rows even when more lines match the window', async () => {
    // Its own sandbox, so the other tests do not carry thousands of lines.
    const big = await sandbox();
    try {
      const created = await control(big, 'POST', '/__sandbox/orders', { apiKey: big.apiKey, count: 3100 });
      expect(created.status).toBe(200);
      const lineCount = created.body.orders.reduce((n: number, o: { lines: unknown[] }) => n + o.lines.length, 0);
      expect(lineCount).toBeGreaterThan(3000);
      const res = await call(big, `/rest/ordservices/complete/${kst(-6 * DAY)}/${kst(HOUR)}`);
      const r = rows(res.text);
      expect(r).toHaveLength(3000);
      expect(new Set(r.map((x) => `${x.ordNo}/${x.ordPrdSeq}`)).size).toBe(3000);
    } finally {
      await big.close();
    }
  });

  it('answers the claim lists with -1 해당 건이 없습니다. when empty', async () => {
    const res = await call(sb, `/rest/claimservice/canceledorders/${lastWeek()}`);
    expect(resultCode(res.text)).toBe('-1');
    expect(resultText(res.text)).toBe('해당 건이 없습니다.');
  });

  it('rejects bad control-API input with 400 and a message naming the field, changing nothing', async () => {
    const before = (await control(sb, 'GET', '/__sandbox/state')).body.lines.length;
    const bad = await control(sb, 'POST', '/__sandbox/orders', { apiKey: sb.apiKey, orders: [{ lines: [{ qty: 0 }] }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('orders.0.lines.0.qty');
    const unknownProduct = await control(sb, 'POST', '/__sandbox/orders', { apiKey: sb.apiKey, orders: [{ lines: [{}] }, { lines: [{ prdStckNo: '1' }] }] });
    expect(unknownProduct.status).toBe(404);
    const chaos = await control(sb, 'PUT', '/__sandbox/chaos', { errorRate: 2 });
    expect(chaos.status).toBe(400);
    expect(chaos.body.error.message).toContain('errorRate');
    expect((await control(sb, 'GET', '/__sandbox/state')).body.lines.length).toBe(before);
    await createOrders(sb, [{ lines: [{}] }]);
    expect((await control(sb, 'GET', '/__sandbox/state')).body.lines.length).toBe(before + 1);
  });
});
