// Starts `smartship sandbox 11st` as its own process, so the simulator's XML rendering runs on the
// other core and does not count against the hub being measured.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export interface SandboxProcess {
  url: string;
  apiKey: string;
  control<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

export async function startSandboxProcess(apiKey: string): Promise<SandboxProcess> {
  const bin = resolve(import.meta.dirname, '../bin/smartship.js');
  const child: ChildProcess = spawn(process.execPath, [bin, 'sandbox', '11st', '--port', '0', '--api-key', apiKey], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((done, fail) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) done(m[1]!);
    });
    child.on('exit', (code) => fail(new Error(`sandbox exited with ${code}: ${out}`)));
  });
  return {
    url,
    apiKey,
    async control<T>(method: string, path: string, body?: unknown): Promise<T> {
      const res = await fetch(`${url}/__sandbox/${path}`, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
      if (!res.ok) throw new Error(`sandbox ${method} ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
    stop: () =>
      new Promise<void>((done) => {
        child.on('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

/** Paid orders of one line each, `ordDt` spread evenly over the last `days` days (ending an hour ago). */
export async function seedOrders(sandbox: SandboxProcess, count: number, days: number): Promise<void> {
  const end = Date.now() - 3600_000;
  const span = days * 24 * 3600_000;
  const batch = 2000;
  for (let i = 0; i < count; i += batch) {
    const orders = Array.from({ length: Math.min(batch, count - i) }, (_, k) => ({
      ordDt: new Date(end - span + ((i + k) / count) * span).toISOString(),
      lines: [{}],
    }));
    await sandbox.control('POST', 'orders', { apiKey: sandbox.apiKey, orders });
  }
}
