import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../../src/sandbox/elevenst/server.ts';
import { testDialects, type ScratchDatabase } from '../../helpers/databases.ts';
import { closedPort } from '../../helpers/net.ts';
import { setUpHub, startApp, type Hub, Client } from '../accounts/helpers.ts';

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

const EGRESS = ['203.0.113.10', '203.0.113.11'];

describe.each(testDialects)('shopping mall API settings on $name', ({ create }) => {
  let scratch: ScratchDatabase;
  let hub: Hub;
  let sandbox: Sandbox;
  let owner: Client;
  const API_KEY = 'a1b2c3d4e5f60718293a4b5c6d7e3f9a';

  beforeAll(async () => {
    scratch = await create();
    hub = await startApp(scratch, { SMARTSHIP_EGRESS_IPS: EGRESS.join(','), SMARTSHIP_CONNECTION_TEST_TIMEOUT_SECONDS: '2' });
    sandbox = await startSandbox({ port: 0, apiKey: API_KEY });
    owner = await setUpHub(hub);
  });
  afterAll(async () => {
    await sandbox.close();
    await hub.close();
    await scratch.drop();
  });

  const register = (shopId: string, extra: Record<string, unknown> = {}) =>
    owner.post('/api/connections', { mall: '11st', name: `11st ${shopId}`, shopId, apiKey: API_KEY, baseUrl: sandbox.url, ...extra });

  it('registers a connection with the guide’s defaults, shows the key only masked, and tests OK against the sandbox', async () => {
    const created = await register('seller-one');
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      mall: '11st',
      shopId: 'seller-one',
      apiKeyMasked: '••••3f9a',
      enabled: true,
      options: { autoImport: true, autoConfirm: false, autoFulfillment: false, autoStockSync: false, importIntervalMinutes: 5, firstImportLookbackDays: 7, defaultCarrier: '00108', trackingPushAt: 'whichever_first', safetyStock: 0 },
      lastTest: null,
    });
    const test = await owner.post(`/api/connections/${created.body.id}/test`);
    expect(test.status).toBe(200);
    expect(test.body).toMatchObject({ result: 'OK', ok: true });
    expect(test.body.roundTripMs).toBeGreaterThanOrEqual(0);
    // The owner chose Japanese at setup: the message is Japanese.
    expect(test.body.message).toContain('接続しました');
    const again = await owner.get(`/api/connections/${created.body.id}`);
    expect(again.body.lastTest).toMatchObject({ result: 'OK' });
  });

  it('refuses the same shop ID twice for one seller with a clear error, and changes nothing', async () => {
    await register('seller-dup');
    const second = await register('seller-dup');
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('CONNECTION_EXISTS');
    expect(second.body.error.message).toContain('seller-dup');
    const list = await owner.get('/api/connections');
    expect(list.body.items.filter((c: { shopId: string }) => c.shopId === 'seller-dup')).toHaveLength(1);
  });

  it('rejects bad input with a field-named error', async () => {
    const bad = await owner.post('/api/connections', { mall: 'amazon', name: '', shopId: 'x', apiKey: 'short', options: { importIntervalMinutes: 0 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect(bad.body.error.message).toMatch(/mall/);
    expect((await owner.get('/api/connections')).body.items.some((c: { shopId: string }) => c.shopId === 'x')).toBe(false);
  });

  it('tells a wrong key apart: INVALID_API_KEY with the mall’s message', async () => {
    const test = await owner.post('/api/connections/test', { mall: '11st', shopId: 'any', apiKey: 'wrong-key-000000000', baseUrl: sandbox.url });
    expect(test.body).toMatchObject({ result: 'INVALID_API_KEY', ok: false });
    expect(test.body.mallCode).toBe('-1');
  });

  it('shows the IP 11st saw and the hub’s egress IPs when the caller is not on the allow-list', async () => {
    const key = await fetch(`${sandbox.url}/__sandbox/keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiKey: 'allowlisted-key-0001', allowIps: ['198.51.100.7'] }),
    });
    expect(key.status).toBeLessThan(300);
    const test = await owner.post('/api/connections/test', { mall: '11st', shopId: 'any', apiKey: 'allowlisted-key-0001', baseUrl: sandbox.url });
    expect(test.body.result).toBe('IP_NOT_ALLOWED');
    expect(test.body.callerIp).toBe('127.0.0.1');
    expect(test.body.egressIps).toEqual(EGRESS);
    expect(test.body.message).toContain('203.0.113.10;203.0.113.11');
  });

  it('reports maintenance, a timeout, and a sandbox that is down as such', async () => {
    const chaos = (body: unknown) => fetch(`${sandbox.url}/__sandbox/chaos`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const creds = { mall: '11st', shopId: 'any', apiKey: API_KEY, baseUrl: sandbox.url };
    await chaos({ maintenance: true });
    expect((await owner.post('/api/connections/test', creds)).body).toMatchObject({ result: 'MAINTENANCE', mallCode: '-1000' });
    await chaos({ maintenance: false, timeoutRate: 1 });
    expect((await owner.post('/api/connections/test', creds)).body.result).toBe('TIMEOUT');
    await chaos({ timeoutRate: 0 });
    const down = await owner.post('/api/connections/test', { ...creds, baseUrl: `http://127.0.0.1:${await closedPort()}` });
    expect(down.body).toMatchObject({ result: 'NETWORK_ERROR', network: 'REFUSED' });
  });

  it('edits options, replaces the key, deletes with an audit trail that never holds the key', async () => {
    const created = await register('seller-edit');
    const id = created.body.id;
    const patched = await owner.patch(`/api/connections/${id}`, { options: { autoConfirm: true, importIntervalMinutes: 15 }, enabled: false });
    expect(patched.status).toBe(200);
    expect(patched.body.options).toMatchObject({ autoConfirm: true, importIntervalMinutes: 15, autoImport: true });
    expect(patched.body.enabled).toBe(false);
    // A change names only what it changes: the other options keep their stored values, not the defaults.
    const again = await owner.patch(`/api/connections/${id}`, { options: { safetyStock: 3 } });
    expect(again.body.options).toMatchObject({ safetyStock: 3, autoConfirm: true, importIntervalMinutes: 15 });
    const replaced = await owner.call('PUT', `/api/connections/${id}/api-key`, { apiKey: 'replaced-key-zzzz9999' });
    expect(replaced.body.apiKeyMasked).toBe('••••9999');
    const deleted = await owner.delete(`/api/connections/${id}`);
    expect(deleted.status).toBe(204);
    expect((await owner.get(`/api/connections/${id}`)).status).toBe(404);
    // The shop can be registered again after its connection was deleted.
    expect((await register('seller-edit')).status).toBe(201);

    const audit = await owner.get('/api/audit-log?limit=200');
    const actions = audit.body.entries.map((e: { action: string }) => e.action);
    for (const a of ['connection.created', 'connection.updated', 'connection.api_key_replaced', 'connection.deleted']) expect(actions).toContain(a);
    const everything = JSON.stringify(audit.body) + hub.logs() + JSON.stringify((await owner.get('/api/connections')).body);
    for (const secret of [API_KEY, 'replaced-key-zzzz9999', 'allowlisted-key-0001']) expect(everything).not.toContain(secret);
  });

  it('keeps the key encrypted at rest', async () => {
    const rows = await hub.db.selectFrom('secrets').select('ciphertext').execute();
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain(API_KEY);
  });
});
