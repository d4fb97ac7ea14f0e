// `smartship sandbox 11st [options]`: runs the simulator alone until SIGINT/SIGTERM.

import type { Chaos } from './chaos.ts';
import { type SandboxOptions, startSandbox } from './server.ts';

export const SANDBOX_USAGE = `Usage: smartship sandbox 11st [options]

  --port N            port to listen on (default 9011; 0 = any free port)
  --host H            address to bind (default 127.0.0.1)
  --seed N            create N realistic paid orders for the key (when it has none yet)
  --api-key KEY       the seller's openapikey (generated and printed when absent)
  --allow-ip IP,...   caller IPs registered for the key (others get HTTP 500 AuthMessage -500)
  --data FILE         keep the state in this JSON file (loaded at start, saved on change and exit)
  --latency MS        chaos: add MS milliseconds to every OpenAPI answer
  --error-rate R      chaos: share (0..1) of bare HTTP 500 answers
  --timeout-rate R    chaos: share (0..1) of requests never answered
  --malformed-rate R  chaos: share (0..1) of answers cut mid-element
  --maintenance       chaos: every OpenAPI call answers -1000
  -h, --help          show this help
`;

/** A bad command line; the command prints the message and exits with code 2. */
export class SandboxUsageError extends Error {}

const VALUE_FLAGS = new Set(['--port', '--host', '--seed', '--api-key', '--allow-ip', '--data', '--latency', '--error-rate', '--timeout-rate', '--malformed-rate']);

export function parseSandboxArgs(argv: readonly string[]): SandboxOptions | 'help' {
  const opts: SandboxOptions = { port: 9011 };
  const chaos: Partial<Chaos> = {};
  const allowIps: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '-h' || arg === '--help') return 'help';
    if (arg === '--maintenance') {
      chaos.maintenance = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (!VALUE_FLAGS.has(flag)) throw new SandboxUsageError(`unknown argument: ${arg}`);
    let value: string | undefined;
    if (eq > 0) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      i++;
    }
    if (value === undefined || value === '' || (eq < 0 && value.startsWith('--'))) throw new SandboxUsageError(`${flag} needs a value`);
    const int = (min: number, max: number) => {
      if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
        throw new SandboxUsageError(`${flag} must be a whole number from ${min} to ${max}, got "${value}"`);
      }
      return Number(value);
    };
    const rate = () => {
      const n = Number(value);
      if (!/^\d*\.?\d+$/.test(value) || n < 0 || n > 1) throw new SandboxUsageError(`${flag} must be a number from 0 to 1, got "${value}"`);
      return n;
    };
    switch (flag) {
      case '--port':
        opts.port = int(0, 65535);
        break;
      case '--host':
        opts.host = value;
        break;
      case '--seed':
        opts.seed = int(0, 50_000);
        break;
      case '--api-key':
        if (!/^[\x21-\x7e]{1,64}$/.test(value)) throw new SandboxUsageError(`--api-key must be 1 to 64 printable ASCII characters`);
        opts.apiKey = value;
        break;
      case '--allow-ip':
        for (const ip of value.split(',').map((s) => s.trim())) {
          if (!/^[0-9a-fA-F.:]+$/.test(ip)) throw new SandboxUsageError(`--allow-ip: "${ip}" is not an IP address`);
          allowIps.push(ip);
        }
        break;
      case '--data':
        opts.dataFile = value;
        break;
      case '--latency':
        chaos.latencyMs = int(0, 600_000);
        break;
      case '--error-rate':
        chaos.errorRate = rate();
        break;
      case '--timeout-rate':
        chaos.timeoutRate = rate();
        break;
      case '--malformed-rate':
        chaos.malformedRate = rate();
        break;
    }
  }
  if (allowIps.length > 0) opts.allowIps = allowIps;
  if (Object.keys(chaos).length > 0) opts.chaos = chaos;
  return opts;
}

export interface SandboxCommandIo {
  out?: (line: string) => void;
  err?: (line: string) => void;
  /** Stops the sandbox (tests); SIGINT and SIGTERM always do. */
  signal?: AbortSignal;
}

/** Runs the sandbox until SIGINT/SIGTERM (or `io.signal`). Bad arguments: message and exit code 2. */
export async function runSandboxCommand(argv: string[], io: SandboxCommandIo = {}): Promise<void> {
  const out = io.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const err = io.err ?? ((line: string) => process.stderr.write(`${line}\n`));
  let opts: SandboxOptions | 'help';
  try {
    opts = parseSandboxArgs(argv);
  } catch (e) {
    if (!(e instanceof SandboxUsageError)) throw e;
    err(`smartship sandbox 11st: ${e.message}`);
    err(SANDBOX_USAGE);
    process.exitCode = 2;
    return;
  }
  if (opts === 'help') {
    out(SANDBOX_USAGE);
    return;
  }
  let sandbox;
  try {
    sandbox = await startSandbox(opts);
  } catch (e) {
    err(`smartship sandbox 11st: cannot start: ${(e as Error).message}`);
    process.exitCode = 1;
    return;
  }
  out(`11st OpenAPI sandbox listening on ${sandbox.url}`);
  out(`openapikey: ${sandbox.apiKey}`);
  out(`control API: ${sandbox.url}/__sandbox/state`);
  if (opts.dataFile) out(`state file: ${opts.dataFile}`);

  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      io.signal?.removeEventListener('abort', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    if (io.signal?.aborted) stop();
    else io.signal?.addEventListener('abort', stop);
  });
  await sandbox.close();
  out('11st OpenAPI sandbox stopped');
}
