// How fast does the hub import 11st orders, against parsing the same XML and batch-inserting the
// same lines directly? One run, SQLite and (when SMARTSHIP_TEST_DATABASE_URL is set) PostgreSQL.
//   npx tsx bench/import.ts [lines=100000]
// The sandbox runs as its own process. The hub's rate limiter is opened up (100 calls/s) so the
// figure is the hub's own speed; at 11st's default 2 calls/s the call count below sets the pace.
import { mkdtempSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createApp } from '../src/app/app.ts';
import { contentHash, lineRow } from '../src/modules/orders/import-run.ts';
import { newId } from '../src/platform/db/dialect.ts';
import { decodeBody, decodeOrderList } from '../src/marketplaces/elevenst/codec.ts';
import { toChannelOrderLine } from '../src/marketplaces/elevenst/mapper.ts';
import { loadConfig } from '../src/platform/config/config.ts';
import { createLogger } from '../src/platform/log/logger.ts';
import { createPostgres, createSqlite, type ScratchDatabase } from '../test/helpers/databases.ts';
import { seedOrders, startSandboxProcess, type SandboxProcess } from './sandbox-process.ts';

const LINES = Number(process.argv[2] ?? 100_000);
const DAYS = 7;
const log = createLogger({ level: 'warn' });
const OWNER = { email: 'bench@smartship.example', password: 'bench-password-1' };

function peakRss(): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().rss);
    },
  };
}

interface Window {
  from: string;
  to: string;
  outcome: string;
}

async function importInto(scratch: ScratchDatabase, sandbox: SandboxProcess) {
  const url = scratch.config.kind === 'sqlite' ? `sqlite:${scratch.config.file}` : scratch.config.url;
  const config = loadConfig({
    DATABASE_URL: url,
    SMARTSHIP_DATA_DIR: mkdtempSync(join(tmpdir(), 'bench-import-')),
    SMARTSHIP_ADMIN_EMAIL: OWNER.email,
    SMARTSHIP_ADMIN_PASSWORD: OWNER.password,
    SMARTSHIP_11ST_RATE_PER_SECOND: '100',
    SMARTSHIP_11ST_BURST: '100',
    PORT: '0',
    LOG_LEVEL: 'warn',
  });
  const app = await createApp(config, 'api', log);
  const { accounts, connections, orders } = app.modules;
  const session = await accounts.signIn(OWNER.email, OWNER.password, { ip: null, userAgent: 'bench' });
  const scope = (await accounts.resolveSession(session.sessionToken))!.scope;
  const connection = await connections.create(scope, {
    mall: '11st',
    name: 'bench',
    shopId: 'bench',
    apiKey: sandbox.apiKey,
    baseUrl: sandbox.url,
    options: { autoImport: false, firstImportLookbackDays: DAYS + 1 },
  });
  const measure = async () => {
    const { runId } = await orders.importNow(scope, connection.id);
    const memory = peakRss();
    const t0 = performance.now();
    await orders.runImportJob({ connectionId: connection.id, runId });
    const seconds = (performance.now() - t0) / 1000;
    return { seconds, peakMb: memory.stop() / 2 ** 20, run: await orders.getRun(scope, runId) };
  };
  const first = await measure();
  const second = await measure();
  await app.stop();
  return { first, second };
}

/** The answers of the import's committed windows, fetched again beforehand, so no baseline clock counts the mall. */
async function fetchAnswers(sandbox: SandboxProcess, windows: Window[]): Promise<Uint8Array[]> {
  const kst = (iso: string) => {
    const d = new Date(new Date(iso).getTime() + 9 * 3600_000).toISOString();
    return d.slice(0, 4) + d.slice(5, 7) + d.slice(8, 10) + d.slice(11, 13) + d.slice(14, 16);
  };
  const bodies: Uint8Array[] = [];
  for (const w of windows.filter((x) => x.outcome === 'committed')) {
    for (const list of ['complete', 'packaging']) {
      const res = await fetch(`${sandbox.url}/rest/ordservices/${list}/${kst(w.from)}/${kst(w.to)}`, { headers: { openapikey: sandbox.apiKey } });
      bodies.push(new Uint8Array(await res.arrayBuffer()));
    }
  }
  return bodies;
}

/**
 * The baseline: the same answers parsed by the same codec and mapper into the same order_lines rows,
 * batch-inserted (400 rows a statement, one transaction per answer) into the hub's own table, with none
 * of the import's work around it (no lookup of stored lines, no orders, no events, no cursor, no run log).
 * `lean` instead inserts ten of the columns into a plain table with only a primary key.
 */
async function baseline(scratch: ScratchDatabase, bodies: Uint8Array[], lean: boolean) {
  const db = scratch.database.db;
  if (lean) {
    await sql`create table bench_lines (mall_order_no text not null, mall_line_no text not null, delivery_no text not null, product_name text not null, option_text text, quantity integer not null, order_amount integer not null, receiver_name text, paid_at text, raw text not null, primary key (mall_order_no, mall_line_no))`.execute(db);
  }
  const memory = peakRss();
  const t0 = performance.now();
  let lines = 0;
  for (const bytes of bodies) {
    const outcome = decodeOrderList(decodeBody(bytes));
    if (outcome.kind !== 'rows') continue;
    const at = new Date().toISOString();
    const mapped = outcome.rows.map(toChannelOrderLine);
    lines += mapped.length;
    await db.transaction().execute(async (tx) => {
      if (lean) {
        const rows = mapped.map((l) => ({
          mall_order_no: l.mallOrderNo,
          mall_line_no: l.mallLineNo,
          delivery_no: l.deliveryNo,
          product_name: l.productName,
          option_text: l.optionText ?? null,
          quantity: l.quantity,
          order_amount: l.orderAmount.amount,
          receiver_name: l.receiver.name ?? null,
          paid_at: l.paidAt ?? null,
          raw: JSON.stringify(l.raw),
        }));
        for (let i = 0; i < rows.length; i += 400) {
          await tx.withTables<{ bench_lines: (typeof rows)[number] }>().insertInto('bench_lines').values(rows.slice(i, i + 400)).onConflict((oc) => oc.doNothing()).execute();
        }
        return;
      }
      const rows = mapped.map((l) => {
        const raw = JSON.stringify(l.raw);
        return lineRow(l, { id: newId(), sellerId: 'bench', connectionId: 'bench', orderId: newId(), raw, hash: contentHash(raw), status: 'new', newClaim: undefined, at });
      });
      for (let i = 0; i < rows.length; i += 400) await tx.insertInto('order_lines').values(rows.slice(i, i + 400)).onConflict((oc) => oc.doNothing()).execute();
    });
  }
  return { seconds: (performance.now() - t0) / 1000, lines, peakMb: memory.stop() / 2 ** 20 };
}

console.log(`machine: ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
const sandbox = await startSandboxProcess('bench0000000000000000000000000001');
const seedStart = performance.now();
await seedOrders(sandbox, LINES, DAYS);
console.log(`sandbox: ${LINES} paid lines over ${DAYS} days, seeded in ${((performance.now() - seedStart) / 1000).toFixed(1)} s\n`);

const dialects: Array<[string, (opts: { migrate: boolean }) => Promise<ScratchDatabase>]> = [['sqlite', createSqlite]];
if (process.env.SMARTSHIP_TEST_DATABASE_URL) dialects.push(['postgres', createPostgres]);

const rows: string[][] = [];
for (const [name, create] of dialects) {
  const hubDb = await create({ migrate: false });
  await hubDb.database.close(); // the hub opens its own connection
  const { first, second } = await importInto(hubDb, sandbox);
  await hubDb.drop();
  const windows = first.run.windows as Window[];
  const calls = first.run.calls as Array<{ ms: number }>;
  const bodies = await fetchAnswers(sandbox, windows);
  const measureBaseline = async (lean: boolean) => {
    const db = await create({ migrate: !lean });
    const result = await baseline(db, bodies, lean);
    await db.drop();
    return result;
  };
  const same = await measureBaseline(false);
  const lean = await measureBaseline(true);
  const rate = first.run.counts.fetched / first.seconds;
  rows.push([
    name,
    String(first.run.counts.new),
    `${first.seconds.toFixed(1)}`,
    rate.toFixed(0),
    first.peakMb.toFixed(0),
    `${windows.filter((w) => w.outcome === 'split').length} split / ${windows.filter((w) => w.outcome === 'committed').length} committed, ${calls.length} calls (${(calls.reduce((a, c) => a + c.ms, 0) / 1000).toFixed(1)} s)`,
    `${second.seconds.toFixed(1)} s (${second.run.counts.unchanged} unchanged)`,
    `${(same.lines / same.seconds).toFixed(0)} (${same.peakMb.toFixed(0)} MB)`,
    (rate / (same.lines / same.seconds)).toFixed(2),
    (lean.lines / lean.seconds).toFixed(0),
    (rate / (lean.lines / lean.seconds)).toFixed(2),
  ]);
  if (first.run.counts.new !== LINES || first.run.status !== 'succeeded') console.log(`WARNING (${name}): run ${first.run.status}, ${first.run.counts.new} new of ${LINES}: ${first.run.error ?? ''}`);
}
await sandbox.stop();

const head = ['db', 'new lines', 'import s', 'lines/s', 'peak MB', 'windows, calls (their time)', 'second run', 'baseline lines/s', 'ratio', 'lean baseline lines/s', 'ratio'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
console.log(head.map((h, i) => h.padEnd(widths[i]!)).join('  '));
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));
process.exit(0);
