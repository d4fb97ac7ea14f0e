import { XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, call, control, lastWeek, resultCode, sandbox } from './helpers.ts';

describe('11st sandbox chaos', () => {
  let sb: Sandbox;

  beforeAll(async () => {
    sb = await sandbox({ seed: 5 });
  });
  afterAll(() => sb.close());

  const list = () => `/rest/ordservices/complete/${lastWeek()}`;
  const setChaos = (patch: Record<string, unknown>) => control(sb, 'PUT', '/__sandbox/chaos', patch);
  const calm = { latencyMs: 0, errorRate: 0, timeoutRate: 0, malformedRate: 0, maintenance: false };

  it('answers a share of requests with a bare HTTP 500 page (not an AuthMessage)', async () => {
    await setChaos({ errorRate: 0.5 });
    try {
      const answers = await Promise.all(Array.from({ length: 120 }, () => call(sb, list())));
      const failed = answers.filter((a) => a.status === 500);
      expect(failed.length).toBeGreaterThan(30);
      expect(failed.length).toBeLessThan(90);
      for (const a of failed) expect(a.text).not.toContain('AuthMessage');
      for (const a of answers.filter((x) => x.status === 200)) expect(XMLValidator.validate(a.text)).toBe(true);
    } finally {
      await setChaos(calm);
    }
    expect((await call(sb, list())).status).toBe(200);
  });

  it('accepts a request and never answers it until the client gives up, and logs it as a timeout', async () => {
    await setChaos({ timeoutRate: 1 });
    try {
      const started = Date.now();
      await expect(call(sb, list(), { signal: AbortSignal.timeout(300) })).rejects.toThrow();
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    } finally {
      await setChaos(calm);
    }
    const log = (await control(sb, 'GET', '/__sandbox/requests')).body.requests;
    expect(log.at(-1)).toMatchObject({ status: null, fault: 'timeout' });
    expect(resultCode((await call(sb, list())).text)).toBeUndefined(); // rows again, no result code
  });

  it('closes promptly while a chaos timeout holds a request open', async () => {
    const other = await sandbox({ chaos: { timeoutRate: 1 } });
    const pending = call(other, '/rest/ordservices/complete/202601010000/202601020000').then(
      () => 'answered',
      () => 'failed',
    );
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await pending).toBe('failed');
  });

  it('cuts answers mid-element so they are not well-formed XML', async () => {
    await setChaos({ malformedRate: 1 });
    try {
      const a = await call(sb, list());
      expect(a.status).toBe(200);
      expect(XMLValidator.validate(a.text)).not.toBe(true);
      const log = (await control(sb, 'GET', '/__sandbox/requests')).body.requests;
      expect(log.at(-1)).toMatchObject({ fault: 'malformed' });
    } finally {
      await setChaos(calm);
    }
    expect(XMLValidator.validate((await call(sb, list())).text)).toBe(true);
  });

  it('adds latency to OpenAPI answers but not to the control API', async () => {
    const chaos = await setChaos({ latencyMs: 200 });
    expect(chaos.body).toMatchObject({ latencyMs: 200, errorRate: 0 });
    try {
      let started = Date.now();
      await call(sb, list());
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
      started = Date.now();
      await control(sb, 'GET', '/__sandbox/chaos');
      expect(Date.now() - started).toBeLessThan(190);
    } finally {
      await setChaos(calm);
    }
  });

  it('can start with chaos switched on', async () => {
    const down = await sandbox({ chaos: { maintenance: true } });
    try {
      expect(resultCode((await call(down, '/rest/ordservices/complete/202601010000/202601020000')).text)).toBe('-1000');
      expect((await control(down, 'GET', '/__sandbox/chaos')).body.maintenance).toBe(true);
    } finally {
      await down.close();
    }
  });
});
