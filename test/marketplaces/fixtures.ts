import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const fixtureDir = fileURLToPath(new URL('../fixtures/elevenst/', import.meta.url));

/** The raw CP949 bytes of a fixture. */
export function fixtureBytes(name: string): Buffer {
  return readFileSync(fixtureDir + name);
}

export function fixtureNames(): string[] {
  return readdirSync(fixtureDir).filter((f) => f.endsWith('.xml'));
}
