// From an order appearing on 11st (the sandbox) to its confirmation (발주확인) reaching 11st, with
// automatic import every minute and automatic confirmation on: p50 / p95 over N orders.
//   npx tsx bench/latency.ts [orders=100] [spreadSeconds=180]
// Orders are placed one by one over `spreadSeconds`; the hub runs as `smartship start` would
// (API, worker and scheduler in one process, SQLite), the sandbox as its own process.
import { mkdtempSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../src/app/app.ts';
import { loadConfig } from '../src/platform/config/config.ts';
import { createLogger } from '../src/platform/log/logger.ts';
import { startSandboxProcess } from './sandbox-process.ts';

const ORDERS = Number(process.argv[2] ?? 100);
const SPREAD_S = Number(process.argv[3] ?? 180);
const INTERVAL_MIN = 1;
const OWNER = { email: 'bench@smartship.example', password: 'bench-password-1' };

console.log(`machine: ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
const sandbox = await startSandboxProcess('latency000000000000000000000001');
const dataDir = mkdtempSync(join(tmpdir(), 'bench-latency-'));
const config = loadConfig({ SMARTSHIP_DATA_DIR: dataDir, SMARTSHIP_ADMIN_EMAIL: OWNER.email, SMARTSHIP_ADMIN_PASSWORD: OWNER.password, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' });
const app = await createApp(config, 'all', createLogger({ level: 'warn' }));
const session = await app.modules.accounts.signIn(OWNER.email, OWNER.password, { ip: null, userAgent: 'bench' });
const scope = (await app.modules.accounts.resolveSession(session.sessionToken))!.scope;
await app.start();
await app.modules.connections.create(scope, {
  mall: '11st',
  name: 'latency',
  shopId: 'latency',
  apiKey: sandbox.apiKey,
  baseUrl: sandbox.url,
  options: { autoImport: true, autoConfirm: true, importIntervalMinutes: INTERVAL_MIN, firstImportLookbackDays: 1 },
});

interface SandboxLine {
  ordNo: string;
  status: string;
}
const placedAt = new Map<string, number>();
const confirmedAt = new Map<string, number>();
let placing = true;
const placer = (async () => {
  for (let i = 0; i < ORDERS; i++) {
    // Paid two minutes ago, so the payment time is inside the next import window (the sandbox pays ~1 min after ordering).
    const created = await sandbox.control<{ orders: Array<{ ordNo: string }> }>('POST', 'orders', {
      apiKey: sandbox.apiKey,
      orders: [{ ordDt: new Date(Date.now() - 120_000).toISOString(), lines: [{}] }],
    });
    placedAt.set(created.orders[0]!.ordNo, Date.now());
    await new Promise((r) => setTimeout(r, (SPREAD_S * 1000) / ORDERS));
  }
  placing = false;
})();

const deadline = Date.now() + (SPREAD_S + INTERVAL_MIN * 60 * 3 + 60) * 1000;
while ((placing || confirmedAt.size < placedAt.size) && Date.now() < deadline) {
  const state = await sandbox.control<{ lines: SandboxLine[] }>('GET', 'state');
  const t = Date.now();
  for (const line of state.lines) {
    if (line.status !== '202' && placedAt.has(line.ordNo) && !confirmedAt.has(line.ordNo)) confirmedAt.set(line.ordNo, t);
  }
  await new Promise((r) => setTimeout(r, 250));
}
await placer;

const latencies = [...placedAt].filter(([no]) => confirmedAt.has(no)).map(([no, at]) => (confirmedAt.get(no)! - at) / 1000).sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] ?? NaN;
console.log(`import every ${INTERVAL_MIN} min, automatic confirmation on; ${placedAt.size} orders placed over ${SPREAD_S} s`);
console.log(`confirmed: ${latencies.length} / ${placedAt.size}`);
console.log(`latency s: p50 ${pct(50).toFixed(1)}  p95 ${pct(95).toFixed(1)}  max ${pct(100).toFixed(1)}  (aim: p95 ≤ ${INTERVAL_MIN * 60 + 10})`);
await app.stop();
await sandbox.stop();
process.exit(0);
