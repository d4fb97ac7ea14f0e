// `--data FILE`: the state as one JSON file, loaded at start and written (atomically) after changes.

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SandboxData } from './state.ts';

export function loadData(file: string): SandboxData | null {
  if (!existsSync(file)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`sandbox data file ${file} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  const data = parsed as Partial<SandboxData>;
  if (data.version !== 1 || !Array.isArray(data.keys) || !Array.isArray(data.products) || !Array.isArray(data.lines) || !data.counters) {
    throw new Error(`sandbox data file ${file} is not a sandbox state (version 1)`);
  }
  return data as SandboxData;
}

/** Debounced writer: many changes in a burst cost one write. */
export class DataSaver {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly file: string,
    private readonly snapshot: () => SandboxData,
    private readonly delayMs = 100,
  ) {}

  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.write();
    }, this.delayMs);
    this.timer.unref();
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.write();
  }

  private write(): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.snapshot()));
    renameSync(tmp, this.file);
  }
}
