import { mkdtempSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createApp } from '../../src/app/app.ts';
import { loadConfig } from '../../src/platform/config/config.ts';
import { createLogger } from '../../src/platform/log/logger.ts';
import { runCli } from '../helpers/cli.ts';
import { closedPort } from '../helpers/net.ts';

/** A loopback port another process already holds, until `release`. */
async function takenPort() {
  const server = createServer();
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  return { port: (server.address() as { port: number }).port, release: () => new Promise((closed) => server.close(closed)) };
}

const refuses = (port: number) =>
  new Promise<boolean>((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), done(false)));
    socket.once('error', () => done(true));
  });

describe('starting on a taken port', () => {
  it('fails before the workers have started, so no job was claimed', async () => {
    const taken = await takenPort();
    const config = loadConfig({ PORT: String(taken.port), HOST: '127.0.0.1', SMARTSHIP_DATA_DIR: mkdtempSync(join(tmpdir(), 'smartship-start-')) });
    const app = await createApp(config, 'all', createLogger({ level: 'silent' }));
    const queueStart = vi.spyOn(app.queue, 'start');
    try {
      await expect(app.start()).rejects.toThrow(/EADDRINUSE/);
      expect(queueStart).not.toHaveBeenCalled();
    } finally {
      await app.stop();
      await taken.release();
    }
  });

  it('smartship demo exits with an error and stops its 11st sandbox', async () => {
    const taken = await takenPort();
    const sandboxPort = await closedPort();
    try {
      const run = await runCli(['demo', '--sandbox-port', String(sandboxPort), '--orders', '5'], {
        cwd: mkdtempSync(join(tmpdir(), 'smartship-demo-')),
        env: { PORT: String(taken.port), HOST: '127.0.0.1' },
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('EADDRINUSE');
      // The sandbox listened during the demo's start; SIGTERM reaches it just before the demo exits.
      await vi.waitFor(async () => expect(await refuses(sandboxPort)).toBe(true), { timeout: 5_000, interval: 100 });
    } finally {
      await taken.release();
    }
  }, 60_000);
});
