import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log/logger.ts';

/** The file, inside the data folder, that holds generated master keys when SMARTSHIP_MASTER_KEY is not set. */
export const MASTER_KEY_FILE = 'master-keys.json';

const KEY_BYTES = 32;
const EXPECTED =
  'expected base64 of 32 random bytes (e.g. the output of `openssl rand -base64 32`), ' +
  'or versioned keys like "2:BASE64,1:BASE64" where the highest version is current';

/** A master key is missing, malformed or cannot be stored. Messages never contain key material. */
export class MasterKeyError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MasterKeyError';
  }
}

export interface MasterKey {
  version: number;
  /** 32 bytes, the AES-256 key. */
  key: Buffer;
}

export interface Keyring {
  /** Where the keys come from: the SMARTSHIP_MASTER_KEY variable or the generated file in the data folder. */
  source: 'env' | 'file';
  /** The key file's absolute path when source is "file". */
  file: string | undefined;
  /** The highest version: new secrets are sealed with it. */
  current: MasterKey;
  /** Every version held, highest first. */
  versions: number[];
  /** The key of one version; throws MasterKeyError when the keyring does not hold it. */
  key(version: number): Buffer;
}

export interface KeyringOptions {
  /** The value of SMARTSHIP_MASTER_KEY (Config.masterKey), or undefined to use the key file. */
  masterKey: string | undefined;
  /** Absolute path of the data folder (Config.dataDir). */
  dataDir: string;
  log: Logger;
}

interface KeyFile {
  format: 1;
  keys: Array<{ version: number; key: string; createdAt: string }>;
}

function makeKeyring(source: Keyring['source'], file: string | undefined, keys: MasterKey[]): Keyring {
  const sorted = [...keys].sort((a, b) => b.version - a.version);
  const current = sorted[0];
  if (!current) throw new MasterKeyError('The master keyring is empty');
  const byVersion = new Map(sorted.map((k) => [k.version, k.key]));
  const versions = sorted.map((k) => k.version);
  const where = source === 'env' ? 'SMARTSHIP_MASTER_KEY' : file;
  return {
    source,
    file,
    current,
    versions,
    key(version) {
      let key = byVersion.get(version);
      // Another process (rotate-master-key) may have added a version since this one started: look once more.
      if (!key && file !== undefined) {
        try {
          key = readKeyFile(file).find((k) => k.version === version)?.key;
        } catch {
          key = undefined;
        }
        if (key) byVersion.set(version, key);
      }
      if (!key) {
        throw new MasterKeyError(
          `Master key version ${version} is not available (${where} holds version${versions.length > 1 ? 's' : ''} ${versions.join(', ')}); ` +
            'restore the key that was current when this secret was written',
        );
      }
      return key;
    },
  };
}

/** Strict base64 (standard or URL-safe alphabet, padding optional) of exactly 32 bytes, or undefined. */
function decodeKey(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return undefined;
  const key = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (key.length !== KEY_BYTES) return undefined;
  // Buffer.from is lenient; re-encoding catches stray characters and wrong padding.
  if (key.toString('base64').replace(/=+$/, '') !== text.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '')) return undefined;
  return key;
}

/**
 * Parses SMARTSHIP_MASTER_KEY: one base64 key (version 1) or "2:BASE64,1:BASE64".
 * Errors name the variable and the entry, never echo the value.
 */
export function parseMasterKeyEnv(value: string): MasterKey[] {
  const text = value.trim();
  if (text === '') throw new MasterKeyError(`SMARTSHIP_MASTER_KEY is empty: ${EXPECTED}`);
  if (!text.includes(':') && !text.includes(',')) {
    const key = decodeKey(text);
    if (!key) throw new MasterKeyError(`SMARTSHIP_MASTER_KEY is not a valid key: ${EXPECTED}`);
    return [{ version: 1, key }];
  }
  const keys: MasterKey[] = [];
  const entries = text.split(',').map((e) => e.trim());
  entries.forEach((entry, index) => {
    const where = `SMARTSHIP_MASTER_KEY entry ${index + 1} of ${entries.length}`;
    const match = /^(\d{1,9}):(.*)$/.exec(entry);
    if (!match) throw new MasterKeyError(`${where} is not VERSION:BASE64: ${EXPECTED}`);
    const version = Number(match[1]);
    if (version < 1) throw new MasterKeyError(`${where} has version ${version}; versions are whole numbers from 1`);
    if (keys.some((k) => k.version === version)) throw new MasterKeyError(`SMARTSHIP_MASTER_KEY names version ${version} twice`);
    const key = decodeKey((match[2] ?? '').trim());
    if (!key) throw new MasterKeyError(`${where} (version ${version}) is not a valid key: ${EXPECTED}`);
    keys.push({ version, key });
  });
  return keys;
}

function readKeyFile(file: string): MasterKey[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new MasterKeyError(`Cannot read the master key file ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); restore it from your backup`, { cause: err });
  }
  const keys = (parsed as Partial<KeyFile> | null)?.keys;
  if ((parsed as Partial<KeyFile> | null)?.format !== 1 || !Array.isArray(keys) || keys.length === 0) {
    throw new MasterKeyError(`The master key file ${file} is not in the expected format ({"format":1,"keys":[…]}); restore it from your backup`);
  }
  const out: MasterKey[] = [];
  for (const entry of keys) {
    const version = (entry as { version?: unknown }).version;
    const text = (entry as { key?: unknown }).key;
    const key = typeof text === 'string' ? decodeKey(text) : undefined;
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 1 || !key || out.some((k) => k.version === version)) {
      throw new MasterKeyError(`The master key file ${file} holds an invalid entry (each needs a unique whole version from 1 and ${EXPECTED.replace('expected ', '')}); restore it from your backup`);
    }
    out.push({ version, key });
  }
  return out;
}

/**
 * Writes the key file through a temporary file so a reader never sees half a file.
 * `replace: false` publishes with link(), which fails if another process created the file first.
 * Returns false when the file already existed (and was left as it was).
 */
function writeKeyFile(dataDir: string, file: string, keys: KeyFile['keys'], replace: boolean): boolean {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const tmp = join(dataDir, `.${MASTER_KEY_FILE}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const body: KeyFile = { format: 1, keys };
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(body, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    chmodSync(tmp, 0o600); // in case a umask narrowed it further than asked, or the platform ignored the mode
    if (replace) {
      renameSync(tmp, file);
    } else {
      try {
        linkSync(tmp, file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
        // Filesystems without hard links: fall back to rename after a last existence check.
        if (existsSync(file)) return false;
        renameSync(tmp, file);
      }
    }
  } finally {
    rmSync(tmp, { force: true });
  }
  syncDir(dataDir);
  return true;
}

function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Not every platform can fsync a directory; the file itself is already on disk.
  }
}

function newKeyEntry(version: number): KeyFile['keys'][number] {
  return { version, key: randomBytes(KEY_BYTES).toString('base64'), createdAt: new Date().toISOString() };
}

function warnIfOpen(file: string, log: Logger): void {
  try {
    const mode = statSync(file).mode & 0o777;
    if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
      log.warn({ file, mode: mode.toString(8) }, `The master key file ${file} can be read by other users; run: chmod 600 ${file}`);
    }
  } catch {
    // The read that follows reports a missing or unreadable file clearly.
  }
}

/**
 * Loads the master keys: from SMARTSHIP_MASTER_KEY when set, otherwise from master-keys.json in the
 * data folder, generating it (one random key, version 1) on first start.
 */
export function loadKeyring(opts: KeyringOptions): Keyring {
  const file = join(opts.dataDir, MASTER_KEY_FILE);
  if (opts.masterKey !== undefined) {
    const keyring = makeKeyring('env', undefined, parseMasterKeyEnv(opts.masterKey));
    if (existsSync(file)) {
      opts.log.warn({ file }, `SMARTSHIP_MASTER_KEY is set, so the key file ${file} is ignored; secrets sealed with its keys cannot be read`);
    }
    return keyring;
  }
  if (!existsSync(file)) {
    const created = writeKeyFile(opts.dataDir, file, [newKeyEntry(1)], false);
    if (created) {
      opts.log.warn(
        { file },
        `Generated a new master key in ${file}. Back this file up now and keep it apart from database backups: ` +
          'without it the stored mall credentials cannot be decrypted. Or set SMARTSHIP_MASTER_KEY instead.',
      );
    }
  } else {
    warnIfOpen(file, opts.log);
  }
  return makeKeyring('file', file, readKeyFile(file));
}

/**
 * Adds a new, current key version to the key file (for `smartship rotate-master-key`); older versions
 * stay so secrets sealed with them still open until they are re-encrypted. Returns the new keyring.
 * With SMARTSHIP_MASTER_KEY set this throws: the operator adds the new version to the variable instead.
 */
export function addKeyVersion(opts: KeyringOptions): Keyring {
  if (opts.masterKey !== undefined) {
    throw new MasterKeyError(
      'SMARTSHIP_MASTER_KEY is set, so master keys come from the environment and cannot be added here. ' +
        'To rotate: generate a key (`openssl rand -base64 32`), set SMARTSHIP_MASTER_KEY to "NEW_VERSION:NEW_KEY,OLD_VERSION:OLD_KEY" ' +
        '(e.g. "2:…,1:…"), restart every process, then run `smartship rotate-master-key`.',
    );
  }
  const before = loadKeyring(opts);
  const file = before.file!;
  const current = JSON.parse(readFileSync(file, 'utf8')) as KeyFile;
  const version = before.current.version + 1;
  writeKeyFile(opts.dataDir, file, [newKeyEntry(version), ...current.keys], true);
  opts.log.warn({ file, version }, `Added master key version ${version} to ${file}. Back this file up again: it now holds the new key.`);
  return makeKeyring('file', file, readKeyFile(file));
}
