import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSandboxArgs, runSandboxCommand } from '../../src/sandbox/elevenst/cli.ts';
import { call, control, createOrders, lastWeek, lineState, resultCode, rows, sandbox } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'sandbox-11st-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('11st sandbox --data persistence', () => {
  it('keeps keys, orders, line statuses and stock across a restart', async () => {
    const file = join(dir, 'state.json');
    const first = await sandbox({ dataFile: file, seed: 4 });
    const [order] = await createOrders(first, [{ ordNm: '홍똠햏', lines: [{}] }]);
    const line = order!.lines[0]!;
    expect(resultCode((await call(first, `/rest/ordservices/reqpackaging/${order!.ordNo}/1/N/null/${line.dlvNo}`)).text)).toBe('0');
    await first.close();
    expect(existsSync(file)).toBe(true);

    const second = await sandbox({ dataFile: file, seed: 4 });
    try {
      expect(second.apiKey).toBe(first.apiKey);
      expect(await lineState(second, order!.ordNo, '1')).toMatchObject({ status: '301', ordNm: '홍똠햏' });
      // Seeding does not pile up on a restart: the key already has its orders.
      expect((await control(second, 'GET', '/__sandbox/state')).body.lines.filter((l: { status: string }) => l.status === '202').length).toBeGreaterThanOrEqual(4);
      const paid = rows((await call(second, `/rest/ordservices/complete/${lastWeek()}`)).text);
      expect(paid.length).toBe((await control(second, 'GET', '/__sandbox/state')).body.lines.filter((l: { status: string }) => l.status === '202').length);
      // New numbers continue after the stored ones.
      const [next] = await createOrders(second, [{ lines: [{}] }]);
      expect(next!.ordNo > order!.ordNo).toBe(true);
    } finally {
      await second.close();
    }
  });

  it('refuses to start on a file that is not a sandbox state', async () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{"hello":1}');
    await expect(sandbox({ dataFile: file })).rejects.toThrow(/not a sandbox state/);
  });
});

describe('smartship sandbox 11st (command)', () => {
  it('parses every option and rejects bad ones with a clear message', () => {
    expect(parseSandboxArgs([])).toEqual({ port: 9011 });
    expect(parseSandboxArgs(['--port', '0', '--seed=3', '--api-key', 'k', '--allow-ip', '10.0.0.1,10.0.0.2', '--data', 'x.json', '--host', '0.0.0.0', '--error-rate', '0.1', '--maintenance'])).toEqual({
      port: 0,
      seed: 3,
      apiKey: 'k',
      allowIps: ['10.0.0.1', '10.0.0.2'],
      dataFile: 'x.json',
      host: '0.0.0.0',
      chaos: { errorRate: 0.1, maintenance: true },
    });
    expect(() => parseSandboxArgs(['--port', 'abc'])).toThrow('--port must be a whole number from 0 to 65535, got "abc"');
    expect(() => parseSandboxArgs(['--seed'])).toThrow('--seed needs a value');
    expect(() => parseSandboxArgs(['--bogus'])).toThrow('unknown argument: --bogus');
    expect(() => parseSandboxArgs(['--error-rate', '1.5'])).toThrow('--error-rate must be a number from 0 to 1');
  });

  it('runs in-process: prints the URL and a generated key, serves seeded orders, stops on the signal', async () => {
    const lines: string[] = [];
    const stop = new AbortController();
    let listening!: () => void;
    const ready = new Promise<void>((r) => (listening = r));
    const running = runSandboxCommand(['--port', '0', '--seed', '3'], {
      out: (l) => {
        lines.push(l);
        if (l.startsWith('openapikey:')) listening();
      },
      signal: stop.signal,
    });
    await ready;
    const url = /listening on (http:\/\/\S+)/.exec(lines.join('\n'))?.[1];
    const apiKey = /openapikey: (\S+)/.exec(lines.join('\n'))?.[1];
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(apiKey).toMatch(/^[0-9a-f]{32}$/);
    const sb = { url: url!, apiKey: apiKey!, port: 0, close: async () => {} };
    const paid = rows((await call(sb, `/rest/ordservices/complete/${lastWeek()}`)).text);
    expect(paid.length).toBeGreaterThanOrEqual(3);
    expect(new Set(paid.map((r) => r.ordNo)).size).toBe(3);
    stop.abort();
    await running;
    expect(lines.at(-1)).toBe('11st OpenAPI sandbox stopped');
    await expect(fetch(`${url}/__sandbox/state`)).rejects.toThrow();
  });

  it('sets exit code 2 and explains a bad argument', async () => {
    const errors: string[] = [];
    const before = process.exitCode;
    await runSandboxCommand(['--port', '70000'], { err: (l) => errors.push(l) });
    expect(process.exitCode).toBe(2);
    process.exitCode = before;
    expect(errors[0]).toBe('smartship sandbox 11st: --port must be a whole number from 0 to 65535, got "70000"');
  });

  /** `real`: the product's own CLI (bin/smartship.js sandbox 11st); otherwise the command function alone. */
  function spawnCli(args: string[], real = true): { child: ChildProcess; stdout: () => string; stderr: () => string; exit: Promise<number | null> } {
    const entry = real ? ['bin/smartship.js', 'sandbox', '11st'] : ['--import', 'tsx', 'test/sandbox/run-cli.ts'];
    const child = spawn(process.execPath, [...entry, ...args], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, stdout: () => out, stderr: () => err, exit };
  }

  it('runs as `smartship sandbox 11st` with a fixed key and a data file, saves on SIGTERM and exits 0', async () => {
    const file = join(dir, 'cli-state.json');
    const cli = spawnCli(['--port', '0', '--api-key', 'cli-test-key', '--seed', '2', '--data', file]);
    const deadline = Date.now() + 15_000;
    while (!/openapikey: /.test(cli.stdout()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const url = /listening on (http:\/\/\S+)/.exec(cli.stdout())?.[1];
    expect(url, cli.stderr()).toBeDefined();
    expect(cli.stdout()).toContain('openapikey: cli-test-key');
    const sb = { url: url!, apiKey: 'cli-test-key', port: 0, close: async () => {} };
    const [order] = await createOrders(sb, [{ lines: [{}] }]);
    await control(sb, 'POST', '/__sandbox/cancel-requests', { ordNo: order!.ordNo, ordPrdSeq: '1' });
    cli.child.kill('SIGTERM');
    expect(await cli.exit).toBe(0);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(saved.keys[0].apiKey).toBe('cli-test-key');
    expect(new Set(saved.lines.map((l: { ordNo: string }) => l.ordNo)).size).toBe(3); // 2 seeded + 1 created
    expect(saved.lines.find((l: { ordNo: string }) => l.ordNo === order!.ordNo).cancel.status).toBe('01');
  });

  it('exits with code 2 on a bad argument as a process', async () => {
    const cli = spawnCli(['--allow-ip', 'not an ip'], false);
    expect(await cli.exit).toBe(2);
    expect(cli.stderr()).toContain('--allow-ip: "not an ip" is not an IP address');
  });
});
