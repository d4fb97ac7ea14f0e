import { describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { createLogger } from '../../src/platform/log/logger.ts';

/** A logger writing JSON lines into memory, as an operator's log collector would receive them. */
function capture() {
  const lines: string[] = [];
  const log = createLogger({ level: 'trace', destination: { write: (s: string) => void lines.push(s) } });
  return {
    log,
    text: () => lines.join(''),
    records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

// Each secret is distinct, so a failure names exactly which one leaked.
const SECRETS = {
  openapikey: 'oak-7f3a9c1e5b',
  apiKey: 'apk-2d4f6a8c0e',
  password: 'pw-Hunter2-비밀',
  token: 'tok-9b8c7d6e5f',
  bearer: 'brr-eyJhbGciOi.payload.sig',
  cookie: 'sid=ck-1a2b3c4d',
  cookie2: 'csrf=ck-5e6f7a8b',
  clientSecret: 'cs-0f1e2d3c4b',
};

function expectNoSecret(text: string) {
  for (const [name, value] of Object.entries(SECRETS)) {
    // The value part alone (after "sid=") must not appear either.
    const core = value.includes('=') ? value.split('=')[1]! : value;
    expect(text, `the ${name} secret leaked`).not.toContain(core);
  }
}

describe('log redaction', () => {
  it('censors secret-named fields at the top level and several levels down, keeping the other fields', () => {
    const { log, text, records } = capture();
    log.info(
      {
        connectionId: 'conn-42',
        apiKey: SECRETS.apiKey,
        request: { method: 'GET', headers: { openapikey: SECRETS.openapikey, 'content-type': 'text/xml' } },
        seller: { account: { login: { user: 'seller-1', password: SECRETS.password } } },
        deep: { a: { b: { c: { d: { e: { token: SECRETS.token } } } } } },
        retries: [{ attempt: 1, credentials: { clientSecret: SECRETS.clientSecret } }],
      },
      'calling 11st',
    );
    expectNoSecret(text());
    const [record] = records();
    expect(record).toMatchObject({
      msg: 'calling 11st',
      connectionId: 'conn-42',
      apiKey: '[Redacted]',
      request: { method: 'GET', headers: { openapikey: '[Redacted]', 'content-type': 'text/xml' } },
      seller: { account: { login: { user: 'seller-1', password: '[Redacted]' } } },
    });
  });

  it('censors HTTP headers in any letter case: Authorization, Cookie, Set-Cookie, X-Api-Key, OpenApiKey', () => {
    const { log, text, records } = capture();
    log.warn(
      {
        res: { statusCode: 401, headers: { 'Set-Cookie': `${SECRETS.cookie}; HttpOnly`, 'X-Request-Id': 'req-9' } },
        req: { headers: { Authorization: `Bearer ${SECRETS.bearer}`, Cookie: SECRETS.cookie2, 'X-Api-Key': SECRETS.apiKey, OpenApiKey: SECRETS.openapikey } },
      },
      'upstream refused',
    );
    expectNoSecret(text());
    expect(records()[0]).toMatchObject({ res: { statusCode: 401, headers: { 'X-Request-Id': 'req-9' } } });
  });

  it('scrubs secrets from error messages, stacks, causes and error properties', () => {
    const { log, text, records } = capture();
    const cause = new Error(`login failed for password=${SECRETS.password}`);
    const err = Object.assign(new Error(`GET /rest/prodservices?openapikey=${SECRETS.openapikey} failed`, { cause }), {
      code: 'ETIMEDOUT',
      config: { headers: { openapikey: SECRETS.openapikey, Authorization: `Bearer ${SECRETS.bearer}` } },
    });
    log.error(err);
    log.error({ err, connectionId: 'conn-42' }, 'import failed');
    log.error({ error: err }, 'under another key');
    expectNoSecret(text());
    const [alone, withMessage, otherKey] = records();
    expect(alone).toMatchObject({ msg: expect.stringContaining('/rest/prodservices?openapikey=[Redacted]'), err: { code: 'ETIMEDOUT', type: 'Error' } });
    expect(withMessage).toMatchObject({ msg: 'import failed', connectionId: 'conn-42', err: { message: expect.stringContaining('failed') } });
    expect(String((otherKey!.error as { stack: string }).stack)).toContain('Error: GET /rest/prodservices');
  });

  it('scrubs secrets written into free-text messages, including filled-in placeholders', () => {
    const { log, text, records } = capture();
    log.info(`sending openapikey: ${SECRETS.openapikey} to 11st`);
    log.info(`Authorization: Bearer ${SECRETS.bearer}`);
    log.info('retrying with apiKey=%s after %d ms', SECRETS.apiKey, 500);
    log.info({ attempt: 2 }, 'token=%s', SECRETS.token);
    log.debug(`Cookie: ${SECRETS.cookie}; ${SECRETS.cookie2}`);
    log.info(`body {"password":"${SECRETS.password}","user":"kim"}`);
    log.info({ url: `https://api.11st.co.kr/rest/ordservices?api_key=${SECRETS.apiKey}&page=2` }, 'url in a field');
    expectNoSecret(text());
    const msgs = records().map((r) => r.msg);
    expect(msgs).toContain('retrying with apiKey=[Redacted] after 500 ms');
    expect(msgs).toContain('sending openapikey: [Redacted] to 11st');
    expect(records()[6]).toMatchObject({ url: 'https://api.11st.co.kr/rest/ordservices?api_key=[Redacted]&page=2' });
  });

  it('censors secrets bound to a child logger', () => {
    const { log, text, records } = capture();
    log.child({ connectionId: 'conn-7', apiKey: SECRETS.apiKey, openapikey: SECRETS.openapikey }).info('child line');
    expectNoSecret(text());
    expect(records()[0]).toMatchObject({ connectionId: 'conn-7', msg: 'child line' });
  });

  it("censors secrets bound to a child's child and through setBindings", () => {
    const { log, text, records } = capture();
    const grandchild = log.child({ connectionId: 'conn-8' }).child({ request: { headers: { Authorization: `Bearer ${SECRETS.bearer}` } }, token: SECRETS.token });
    grandchild.info('grandchild line');
    grandchild.setBindings({ password: SECRETS.password });
    grandchild.info('rebound');
    expectNoSecret(text());
    expect(records()[0]).toMatchObject({ connectionId: 'conn-8', token: '[Redacted]', msg: 'grandchild line' });
    expect(records()[1]).toMatchObject({ password: '[Redacted]', msg: 'rebound' });
  });

  it('keeps ordinary fields whose names only resemble secrets', () => {
    const { log, records } = capture();
    log.info({ secretId: 'sec-1', tokenCount: 3, passwordChangedAt: '2025-01-01T00:00:00.000Z', keyVersion: 2, when: new Date(0) }, 'fine');
    expect(records()[0]).toMatchObject({ secretId: 'sec-1', tokenCount: 3, passwordChangedAt: '2025-01-01T00:00:00.000Z', keyVersion: 2, when: '1970-01-01T00:00:00.000Z' });
  });

  it('survives circular objects', () => {
    const { log, records } = capture();
    const node: Record<string, unknown> = { name: 'n', password: SECRETS.password };
    node.self = node;
    log.info({ node }, 'circular');
    expect(records()[0]).toMatchObject({ node: { name: 'n', password: '[Redacted]', self: '[Circular]' } });
  });
});

describe('request log lines', () => {
  it("keep a fastify request's method, URL (scrubbed) and status", async () => {
    const { log, text, records } = capture();
    const app = Fastify({ loggerInstance: log });
    app.get('/api/orders', async (req) => {
      req.log.info({ req, res: undefined }, 'handling');
      return { ok: true };
    });
    await app.inject({ method: 'GET', url: `/api/orders?page=2&openapikey=${SECRETS.openapikey}`, headers: { authorization: `Bearer ${SECRETS.bearer}` } });
    await app.close();
    expectNoSecret(text());
    const incoming = records().find((r) => r.msg === 'incoming request');
    expect(incoming).toMatchObject({ req: { method: 'GET', url: '/api/orders?page=2&openapikey=[Redacted]' } });
    expect(records().find((r) => r.msg === 'handling')).toMatchObject({ req: { method: 'GET', url: expect.stringContaining('/api/orders?page=2') } });
    expect(records().find((r) => r.msg === 'request completed')).toMatchObject({ res: { statusCode: 200 } });
  });
});
