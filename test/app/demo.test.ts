import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCli, type Running } from '../helpers/cli.ts';
import { Client } from '../modules/accounts/helpers.ts';
import { waitFor } from '../helpers/queues.ts';

describe('smartship demo', () => {
  let demo: Running | undefined;
  afterAll(async () => {
    await demo?.stop();
  });

  it('starts the hub and a seeded 11st sandbox with a ready connection, and prints how to sign in', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'smartship-demo-'));
    demo = await startCli(['demo', '--sandbox-port', '0', '--orders', '30'], { cwd, timeoutMs: 60_000 });
    const out = demo.output();
    expect(out).toContain('SmartShip demo is running.');
    expect(out).toContain('sign in:  demo@smartship.example / smartship-demo');
    const sandboxUrl = /11st sandbox: (http:\/\/\S+)/.exec(out)![1]!;

    const owner = new Client(demo.url);
    await owner.signIn('demo@smartship.example', 'smartship-demo');
    const { body } = await owner.get('/api/connections');
    expect(body.items).toHaveLength(1);
    const connection = body.items[0];
    expect(connection).toMatchObject({ mall: '11st', shopId: 'demo_seller', baseUrl: sandboxUrl, enabled: true, options: { autoImport: true, autoConfirm: true } });
    const test = await owner.post(`/api/connections/${connection.id}/test`);
    expect(test.body.result).toBe('OK');

    // The first scheduled import runs at once: the orders arrive, and automatic confirmation reaches the sandbox.
    const state = async () => (await (await fetch(`${sandboxUrl}/__sandbox/state`)).json()) as { lines: Array<{ status: string }> };
    const total = (await state()).lines.length;
    expect(total).toBeGreaterThanOrEqual(30);
    await waitFor('orders imported', async () => ((await owner.get('/api/order-lines/counts')).body.total as number) >= total || undefined, 60_000);
    await waitFor('confirmations on the sandbox', async () => (await state()).lines.every((l) => l.status !== '202') || undefined, 60_000);
  }, 90_000);

  it("keeps to its own SQLite file, in-process jobs and demo owner, whatever the operator's hub is configured with", async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'smartship-demo-'));
    // Unreachable on purpose: a demo that used either would fail to start or to be ready.
    const operator = {
      DATABASE_URL: 'postgres://hub:pg-real-secret@127.0.0.1:1/hub',
      REDIS_URL: 'redis://:rd-real-secret@127.0.0.1:1/0',
      SMARTSHIP_ADMIN_EMAIL: 'ops@real.example',
      SMARTSHIP_ADMIN_PASSWORD: 'the-real-admin-password',
    };
    const isolated = await startCli(['demo', '--sandbox-port', '0', '--orders', '5'], { cwd, env: operator, timeoutMs: 60_000 });
    try {
      const out = isolated.output();
      expect(out).toContain('sign in:  demo@smartship.example / smartship-demo');
      expect(out).not.toContain('the-real-admin-password');
      expect(await (await fetch(`${isolated.url}/healthz`)).json()).toMatchObject({ db: 'sqlite', queue: 'sql' });
      expect((await fetch(`${isolated.url}/readyz`)).status).toBe(200);
      await new Client(isolated.url).signIn('demo@smartship.example', 'smartship-demo');
    } finally {
      await isolated.stop();
    }
  }, 90_000);
});
