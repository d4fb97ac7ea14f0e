import type { ServerResponse } from 'node:http';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildUrl, createElevenstClient, type ElevenstClientOptions } from '../../src/marketplaces/elevenst/client.ts';
import { MarketplaceError } from '../../src/marketplaces/types.ts';
import type { RateLimiter } from '../../src/platform/ratelimit/port.ts';
import { fixtureBytes } from './fixtures.ts';
import { send, startStub } from './http-stub.ts';

let stub: Awaited<ReturnType<typeof startStub>>;
beforeAll(async () => {
  stub = await startStub((_req, res) => send(res, 200, fixtureBytes('complete-empty.xml')));
});
afterAll(() => stub.close());
beforeEach(() => {
  stub.seen.length = 0;
  stub.setHandler((_req, res) => send(res, 200, fixtureBytes('complete-empty.xml')));
});

const unlimited: RateLimiter = { take: async () => {} };

function client(extra: ElevenstClientOptions = {}) {
  const sleeps: number[] = [];
  const c = createElevenstClient({
    rateLimiter: unlimited,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    retry: { attempts: 4, baseDelayMs: 100, maxDelayMs: 1000 },
    connectTimeoutMs: 1000,
    totalTimeoutMs: 2000,
    ...extra,
  });
  return { c, sleeps };
}

const conn = () => ({ connectionId: 'conn-1', baseUrl: stub.url, apiKey: 'abcdefghijklmnopqrstuvwxyz012345' });

describe('11st client: request', () => {
  it('sends the openapikey header and the path under /rest/', async () => {
    const { c } = client();
    const res = await c.request(conn(), { operation: 'complete', path: ['ordservices', 'complete', '202605010000', '202605072359'] });
    expect(res.status).toBe(200);
    expect(stub.seen).toHaveLength(1);
    expect(stub.seen[0]).toMatchObject({ method: 'GET', url: '/rest/ordservices/complete/202605010000/202605072359' });
    expect(stub.seen[0]?.headers['openapikey']).toBe('abcdefghijklmnopqrstuvwxyz012345');
  });

  it('percent-encodes every segment as UTF-8, writes null literally, keeps list commas', async () => {
    const { c } = client();
    await c.request(conn(), { operation: 'x', path: ['claimservice', 'reqrejectorder', '한글 사유/재고', null, ['1', '2']] });
    expect(stub.seen[0]?.url).toBe('/rest/claimservice/reqrejectorder/%ED%95%9C%EA%B8%80%20%EC%82%AC%EC%9C%A0%2F%EC%9E%AC%EA%B3%A0/null/1,2');
  });

  it('uses the default host and tolerates a trailing slash on a base URL', () => {
    expect(buildUrl(undefined, ['a'])).toBe('https://api.11st.co.kr/rest/a');
    expect(buildUrl('http://127.0.0.1:9011/', ['a', 'b'])).toBe('http://127.0.0.1:9011/rest/a/b');
  });

  it('decodes the body as CP949 even when Content-Type claims UTF-8', async () => {
    stub.setHandler((_req, res) => send(res, 200, fixtureBytes('complete-rows.xml'), 'application/xml; charset=UTF-8'));
    const { c } = client();
    const res = await c.request(conn(), { operation: 'complete', path: ['ordservices', 'complete', '1', '2'] });
    expect(res.text).toContain('김똠이');
    expect(res.text).toContain('박뷁순');
    expect(Buffer.from(res.bytes).equals(fixtureBytes('complete-rows.xml'))).toBe(true);
  });

  it('sends an XML body as UTF-8 with a matching content type', async () => {
    stub.setHandler((_req, res) => send(res, 200, fixtureBytes('stockqty-ok.xml')));
    const { c } = client();
    const body = '<?xml version="1.0" encoding="UTF-8"?>\n<ProductStock><prdNm>똠</prdNm></ProductStock>';
    await c.request(conn(), { operation: 'stockqty', method: 'PUT', path: ['prodservices', 'stockqty', '40000000001'], body });
    expect(stub.seen[0]?.method).toBe('PUT');
    expect(stub.seen[0]?.headers['content-type']).toBe('text/xml; charset=UTF-8');
    expect(stub.seen[0]?.body.toString('utf8')).toBe(body);
  });

  it('takes a rate-limit token per attempt, keyed by connection', async () => {
    const keys: string[] = [];
    const { c } = client({ rateLimiter: { take: async (k) => void keys.push(k) } });
    let n = 0;
    stub.setHandler((_req, res) => (n++ === 0 ? send(res, 503, 'busy', 'text/plain') : send(res, 200, fixtureBytes('complete-empty.xml'))));
    await c.request(conn(), { operation: 'complete', path: ['x'] });
    await c.request({ ...conn(), connectionId: 'conn-2' }, { operation: 'complete', path: ['x'] });
    expect(keys).toEqual(['11st:conn-1', '11st:conn-1', '11st:conn-2']);
  });
});

describe('11st client: retries', () => {
  it('retries HTTP 5xx with growing, jittered backoff and returns the eventual answer', async () => {
    let n = 0;
    stub.setHandler((_req, res) => (n++ < 3 ? send(res, 502, '<html>Bad Gateway</html>', 'text/html') : send(res, 200, fixtureBytes('complete-empty.xml'))));
    const { c, sleeps } = client();
    const res = await c.request(conn(), { operation: 'complete', path: ['x'] });
    expect(res.status).toBe(200);
    expect(res.attempts).toBe(4);
    expect(stub.seen).toHaveLength(4);
    // equal jitter with random 0.5: ceiling × 0.75, ceilings 100, 200, 400.
    expect(sleeps).toEqual([75, 150, 300]);
  });

  it('caps each backoff delay and the number of tries, then hands back the last answer', async () => {
    stub.setHandler((_req, res) => send(res, 500, 'oops', 'text/plain'));
    const { c, sleeps } = client({ retry: { attempts: 5, baseDelayMs: 400, maxDelayMs: 1000 }, random: () => 0.999 });
    const res = await c.request(conn(), { operation: 'x', path: ['x'] });
    expect(res.status).toBe(500);
    expect(stub.seen).toHaveLength(5);
    expect(sleeps.every((ms) => ms <= 1000)).toBe(true);
    expect(sleeps).toHaveLength(4);
  });

  it.each(['reqpackaging-error-3207.xml', 'reqdelivery-error-3311.xml'])('retries the "system error, try again" result %s', async (file) => {
    let n = 0;
    stub.setHandler((_req, res) => send(res, 200, fixtureBytes(n++ === 0 ? file : 'reqpackaging-ok.xml')));
    const { c } = client();
    const res = await c.request(conn(), { operation: 'x', path: ['x'] });
    expect(stub.seen).toHaveLength(2);
    expect(res.text).toContain('<result_code>0</result_code>');
  });

  it.each(['reqpackaging-error-3206.xml', 'reqdelivery-error-3320.xml', 'complete-error-1-key.xml', 'complete-error-1000.xml', 'complete-error-3105.xml'])(
    'does not retry the permanent answer %s',
    async (file) => {
      stub.setHandler((_req, res) => send(res, 200, fixtureBytes(file)));
      const { c } = client();
      await c.request(conn(), { operation: 'x', path: ['x'] });
      expect(stub.seen).toHaveLength(1);
    },
  );

  it('does not retry the IP rejection although it is HTTP 500', async () => {
    stub.setHandler((_req, res) => send(res, 500, fixtureBytes('auth-ip-rejected.xml')));
    const { c } = client();
    const res = await c.request(conn(), { operation: 'x', path: ['x'] });
    expect(res.status).toBe(500);
    expect(res.text).toContain('[203.0.113.9]인증된 IP가 아닙니다');
    expect(stub.seen).toHaveLength(1);
  });

  it('does not retry an HTTP 500 that carries a business verdict (stock update refused)', async () => {
    stub.setHandler((_req, res) => send(res, 500, fixtureBytes('stockqty-error500.xml')));
    const { c } = client();
    await c.request(conn(), { operation: 'stockqty', path: ['x'] });
    expect(stub.seen).toHaveLength(1);
  });

  it('retries HTTP 429 defensively, but not an unreadable 404', async () => {
    let n = 0;
    stub.setHandler((_req, res) => (n++ === 0 ? send(res, 429, 'slow down', 'text/plain') : send(res, 200, fixtureBytes('complete-empty.xml'))));
    const { c } = client();
    expect((await c.request(conn(), { operation: 'x', path: ['x'] })).status).toBe(200);
    stub.seen.length = 0;
    stub.setHandler((_req, res) => send(res, 404, 'Not Found', 'text/plain'));
    expect((await c.request(conn(), { operation: 'x', path: ['x'] })).status).toBe(404);
    expect(stub.seen).toHaveLength(1);
  });

  it.each(['reqpackaging-error-3207.xml', 'reqdelivery-error-3311.xml'])('re-sends a mall-changing call when the mall answers "try again" (%s)', async (file) => {
    let n = 0;
    stub.setHandler((_req, res) => send(res, 200, fixtureBytes(n++ === 0 ? file : 'reqpackaging-ok.xml')));
    const { c } = client();
    const res = await c.request(conn(), { operation: 'reqpackaging', mutating: true, path: ['x'] });
    expect(stub.seen).toHaveLength(2);
    expect(res.text).toContain('<result_code>0</result_code>');
  });

  it.each([
    ['an HTTP 502 page', (res: ServerResponse) => send(res, 502, '<html>Bad Gateway</html>', 'text/html')],
    ['a cut-off 200 body', (res: ServerResponse) => send(res, 200, fixtureBytes('malformed-truncated.xml'))],
  ])('never re-sends a mall-changing call after %s: transient at once, the outbox retries', async (_what, answer) => {
    stub.setHandler((_req, res) => answer(res));
    const { c, sleeps } = client();
    const err = await c.request(conn(), { operation: 'reqpackaging', mutating: true, path: ['x'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MarketplaceError);
    expect(err).toMatchObject({ kind: 'transient', operation: 'reqpackaging' });
    expect((err as Error).message).toMatch(/not re-sent/);
    expect(stub.seen).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('retries a truncated body', async () => {
    let n = 0;
    stub.setHandler((_req, res) => send(res, 200, fixtureBytes(n++ === 0 ? 'malformed-truncated.xml' : 'complete-rows.xml')));
    const { c } = client();
    const res = await c.request(conn(), { operation: 'complete', path: ['x'] });
    expect(stub.seen).toHaveLength(2);
    expect(res.text).toContain('</ns2:orders>');
  });
});

describe('11st client: timeouts and network failures', () => {
  it('gives up on a server that never sends headers, retrying, then throws a transient error', async () => {
    stub.setHandler(() => {}); // never answers
    const { c } = client({ connectTimeoutMs: 100, totalTimeoutMs: 5000, retry: { attempts: 2, baseDelayMs: 1 } });
    const started = Date.now();
    const err = await c.request(conn(), { operation: 'complete', path: ['x'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MarketplaceError);
    expect(err).toMatchObject({ kind: 'transient', operation: 'complete' });
    expect((err as Error).message).toMatch(/no response headers within 100 ms.*after 2 attempts/);
    expect(stub.seen).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('gives up on a body that stalls after the headers (total timeout)', async () => {
    stub.setHandler((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.write(iconv.encode('<?xml version="1.0" encoding="euc-kr"?><ns2:orders xmlns:ns2="x">', 'cp949'));
    });
    const { c } = client({ connectTimeoutMs: 1000, totalTimeoutMs: 150, retry: { attempts: 1 } });
    const err = await c.request(conn(), { operation: 'complete', path: ['x'] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'transient' });
    expect((err as Error).message).toMatch(/no complete response within 150 ms/);
  });

  it('never re-sends a mall-changing call that timed out after sending', async () => {
    stub.setHandler(() => {}); // never answers
    const { c } = client({ connectTimeoutMs: 100, totalTimeoutMs: 5000, retry: { attempts: 3, baseDelayMs: 1 } });
    const err = await c.request(conn(), { operation: 'reqdelivery', mutating: true, path: ['x'] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'transient', operation: 'reqdelivery' });
    expect((err as Error).message).toMatch(/no response headers within 100 ms.*not re-sent/);
    expect(stub.seen).toHaveLength(1);
  });

  it('retries a mall-changing call whose connection was refused (it never left this machine)', async () => {
    const closed = await startStub(() => {});
    const deadUrl = closed.url;
    await closed.close();
    const { c, sleeps } = client({ retry: { attempts: 3, baseDelayMs: 10 } });
    const err = await c.request({ ...conn(), baseUrl: deadUrl }, { operation: 'reqpackaging', mutating: true, path: ['x'] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'transient', operation: 'reqpackaging' });
    expect((err as Error).message).toMatch(/after 3 attempts/);
    expect(sleeps).toHaveLength(2);
  });

  it('retries connection failures and throws a transient error with the cause', async () => {
    const closed = await startStub(() => {});
    const deadUrl = closed.url;
    await closed.close();
    const { c, sleeps } = client({ retry: { attempts: 3, baseDelayMs: 10 } });
    const err = await c.request({ ...conn(), baseUrl: deadUrl }, { operation: 'complete', path: ['x'] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'transient', mall: '11st' });
    expect((err as MarketplaceError).retryable).toBe(true);
    expect(sleeps).toHaveLength(2);
  });
});
