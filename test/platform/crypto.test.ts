import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addKeyVersion, loadKeyring, MASTER_KEY_FILE, MasterKeyError, parseMasterKeyEnv } from '../../src/platform/crypto/keyring.ts';
import { rotateMasterKey } from '../../src/platform/crypto/rotate.ts';
import { createSecretBox, SecretBoxError } from '../../src/platform/crypto/secret-box.ts';
import { createSecretStore, SecretNotFoundError } from '../../src/platform/crypto/secrets.ts';
import { createLogger } from '../../src/platform/log/logger.ts';
import { testDialects, type ScratchDatabase } from '../helpers/databases.ts';

/** A logger whose JSON lines are kept for assertions. */
function capturedLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const log = createLogger({ level: 'debug', destination: { write: (s: string) => destination.write(s) } });
  return { log, lines, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const dirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'smartship-crypto-'));
  dirs.push(dir);
  // A folder that does not exist yet: first start must create it.
  return join(dir, 'data');
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const b64 = (bytes: Buffer) => bytes.toString('base64');
const key32 = () => randomBytes(32);

function envBox(value: string) {
  return createSecretBox(loadKeyring({ masterKey: value, dataDir: dataDir(), log: capturedLogger().log }));
}

describe('secret box', () => {
  const box = envBox(b64(key32()));

  it.each([
    ['ASCII API key', 'a1b2c3d4e5f6a7b8c9d0'],
    ['Hangul', '비밀번호-똠햏뷁'],
    ['Japanese and emoji', 'パスワード🔑'],
    ['empty string', ''],
  ])('round-trips %s', (_label, plaintext) => {
    const sealed = box.seal(plaintext, 'connection:1:apiKey');
    expect(sealed).toMatch(/^v1\.1\.[\w-]{16}\.[\w-]{22}\.[\w-]*$/);
    if (plaintext !== '') expect(sealed).not.toContain(plaintext);
    expect(box.open(sealed, 'connection:1:apiKey')).toBe(plaintext);
  });

  it('uses a fresh IV for every message, so equal secrets give different ciphertexts', () => {
    const a = box.seal('same');
    const b = box.seal('same');
    expect(a).not.toBe(b);
    expect(a.split('.')[2]).not.toBe(b.split('.')[2]);
  });

  it('refuses a tampered ciphertext, tag, IV or header with a clear error', () => {
    const sealed = box.seal('the real api key', 'p');
    const [format, version, iv, tag, ct] = sealed.split('.') as [string, string, string, string, string];
    const flip = (part: string) => {
      const bytes = Buffer.from(part, 'base64url');
      bytes[0] = bytes[0]! ^ 0x01;
      return bytes.toString('base64url');
    };
    for (const tampered of [
      [format, version, iv, tag, flip(ct)],
      [format, version, iv, flip(tag), ct],
      [format, version, flip(iv), tag, ct],
      [format, version, iv, tag, ct.slice(0, -2)],
    ]) {
      expect(() => box.open(tampered.join('.'), 'p')).toThrow(SecretBoxError);
      expect(() => box.open(tampered.join('.'), 'p')).toThrow(/altered|damaged/);
    }
    expect(() => box.open('not a secret', 'p')).toThrow(expect.objectContaining({ reason: 'malformed' }));
    expect(() => box.open([format, version, iv, tag.slice(0, 12), ct].join('.'), 'p')).toThrow(SecretBoxError);
  });

  it('refuses to open with different associated data (a ciphertext moved to another record)', () => {
    const sealed = box.seal('key for connection 1', 'connection:1:apiKey');
    expect(() => box.open(sealed, 'connection:2:apiKey')).toThrow(expect.objectContaining({ name: 'SecretBoxError', reason: 'authentication-failed' }));
    expect(() => box.open(sealed)).toThrow(SecretBoxError);
  });

  it('refuses to open with a different master key of the same version, instead of returning garbage', () => {
    const sealed = box.seal('secret');
    expect(() => envBox(b64(key32())).open(sealed)).toThrow(expect.objectContaining({ reason: 'authentication-failed' }));
  });

  it('names the missing key version when the keyring does not hold it', () => {
    const k1 = key32();
    const sealedV2 = envBox(`2:${b64(key32())},1:${b64(k1)}`).seal('secret');
    expect(() => envBox(b64(k1)).open(sealedV2)).toThrow(/version 2 is not available.*SMARTSHIP_MASTER_KEY/);
  });

  it('refuses text UTF-8 cannot carry unchanged (a lone surrogate)', () => {
    expect(() => box.seal('abc\uD800')).toThrow(TypeError);
  });
});

describe('master key from SMARTSHIP_MASTER_KEY', () => {
  it('accepts one base64 key as version 1', () => {
    const key = key32();
    const keys = parseMasterKeyEnv(b64(key));
    expect(keys).toEqual([{ version: 1, key }]);
  });

  it('accepts the URL-safe alphabet and missing padding', () => {
    const key = key32();
    expect(parseMasterKeyEnv(key.toString('base64url'))[0]!.key.equals(key)).toBe(true);
  });

  it('accepts versioned keys, the highest version being current', () => {
    const [k1, k2, k3] = [key32(), key32(), key32()];
    const keyring = loadKeyring({ masterKey: ` 2:${b64(k2)}, 3:${b64(k3)} ,1:${b64(k1)}`, dataDir: dataDir(), log: capturedLogger().log });
    expect(keyring.source).toBe('env');
    expect(keyring.current.version).toBe(3);
    expect(keyring.current.key.equals(k3)).toBe(true);
    expect(keyring.versions).toEqual([3, 2, 1]);
    expect(keyring.key(1).equals(k1)).toBe(true);
  });

  it.each([
    ['too short', b64(randomBytes(16))],
    ['too long', b64(randomBytes(33))],
    ['not base64', 'this is not a key at all, it has spaces!!!!'],
    ['hex instead of base64', randomBytes(32).toString('hex')],
    ['a version of zero', `0:${b64(key32())}`],
    ['a duplicate version', `1:${b64(key32())},1:${b64(key32())}`],
    ['an entry without a version', `2:${b64(key32())},${b64(key32())}`],
    ['a bad key among good ones', `2:${b64(key32())},1:${b64(randomBytes(31))}`],
  ])('rejects %s with a MasterKeyError naming the variable and never echoing the value', (_label, value) => {
    let error: unknown;
    try {
      parseMasterKeyEnv(value);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(MasterKeyError);
    const message = (error as Error).message;
    expect(message).toContain('SMARTSHIP_MASTER_KEY');
    if (!/duplicate|zero/.test(_label)) expect(message).toMatch(/base64 of 32 random bytes/);
    for (const part of value.split(/[,:]/).filter((p) => p.length > 8)) expect(message).not.toContain(part);
  });

  it('explains that rotation with the env source means adding a version to the variable', () => {
    expect(() => addKeyVersion({ masterKey: b64(key32()), dataDir: dataDir(), log: capturedLogger().log })).toThrow(
      /SMARTSHIP_MASTER_KEY is set.*set SMARTSHIP_MASTER_KEY to "NEW_VERSION:NEW_KEY,OLD_VERSION:OLD_KEY"/,
    );
  });
});

describe('master key file in the data folder', () => {
  it('is generated on first start with mode 0600 and a warning that names the file but not the key', () => {
    const dir = dataDir();
    const { log, records, lines } = capturedLogger();
    const keyring = loadKeyring({ masterKey: undefined, dataDir: dir, log });

    const file = join(dir, MASTER_KEY_FILE);
    expect(keyring.source).toBe('file');
    expect(keyring.file).toBe(file);
    expect(keyring.current.version).toBe(1);
    expect(keyring.current.key).toHaveLength(32);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);

    const warnings = records().filter((r) => r.level === 40);
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]!.msg)).toContain(file);
    expect(String(warnings[0]!.msg)).toMatch(/back this file up/i);
    const all = lines.join('\n');
    expect(all).not.toContain(b64(keyring.current.key));
    expect(all).not.toContain(keyring.current.key.toString('hex'));
    // No temporary file is left behind.
    expect(readdirSync(dir)).toEqual([MASTER_KEY_FILE]);
  });

  it('reads the same key on the next start, without a new warning', () => {
    const dir = dataDir();
    const first = loadKeyring({ masterKey: undefined, dataDir: dir, log: capturedLogger().log });
    const second = capturedLogger();
    const again = loadKeyring({ masterKey: undefined, dataDir: dir, log: second.log });
    expect(again.current.key.equals(first.current.key)).toBe(true);
    expect(second.lines).toEqual([]);
    // A value sealed by the first process opens in the second.
    expect(createSecretBox(again).open(createSecretBox(first).seal('계정 비밀', 'x'), 'x')).toBe('계정 비밀');
  });

  it('stops with a clear error on a damaged key file instead of generating a new key over it', () => {
    const dir = dataDir();
    loadKeyring({ masterKey: undefined, dataDir: dir, log: capturedLogger().log });
    const file = join(dir, MASTER_KEY_FILE);
    writeFileSync(file, '{"format":1,"keys":[{"version":1,"key":"short"}]}');
    expect(() => loadKeyring({ masterKey: undefined, dataDir: dir, log: capturedLogger().log })).toThrow(MasterKeyError);
    expect(() => loadKeyring({ masterKey: undefined, dataDir: dir, log: capturedLogger().log })).toThrow(file);
    expect(readFileSync(file, 'utf8')).toContain('short');
  });

  it('adds a new current version on rotation and keeps the old one', () => {
    const dir = dataDir();
    const v1 = loadKeyring({ masterKey: undefined, dataDir: dir, log: capturedLogger().log });
    const sealed = createSecretBox(v1).seal('old', 'a');
    const { log, lines } = capturedLogger();
    const v2 = addKeyVersion({ masterKey: undefined, dataDir: dir, log });
    expect(v2.versions).toEqual([2, 1]);
    expect(v2.current.key.equals(v1.current.key)).toBe(false);
    expect(createSecretBox(v2).open(sealed, 'a')).toBe('old');
    expect(lines.join('\n')).not.toContain(b64(v2.current.key));
    if (process.platform !== 'win32') expect(statSync(join(dir, MASTER_KEY_FILE)).mode & 0o777).toBe(0o600);
    // A process started before the rotation still opens values sealed with the new version.
    expect(createSecretBox(v1).open(createSecretBox(v2).seal('new', 'b'), 'b')).toBe('new');
  });

  it('warns when SMARTSHIP_MASTER_KEY is set while a key file exists (its keys are then unused)', () => {
    const dir = dataDir();
    loadKeyring({ masterKey: undefined, dataDir: dir, log: capturedLogger().log });
    const { log, records } = capturedLogger();
    loadKeyring({ masterKey: b64(key32()), dataDir: dir, log });
    expect(records().some((r) => r.level === 40 && String(r.msg).includes('is ignored'))).toBe(true);
    expect(existsSync(join(dir, MASTER_KEY_FILE))).toBe(true);
  });
});

describe.each(testDialects)('secret store and master key rotation on $name', ({ create }) => {
  let scratch: ScratchDatabase;
  beforeAll(async () => {
    scratch = await create();
  });
  afterAll(async () => {
    await scratch?.drop();
  });
  afterEach(async () => {
    await scratch.database.db.deleteFrom('secrets').execute();
  });

  const plaintexts = ['11st-api-key-0001', '비밀번호 똠햏뷁', '', 'x'.repeat(2000), 'パスワード'];

  it('stores only ciphertext, reveals, replaces and removes by id', async () => {
    const { db } = scratch.database;
    const store = createSecretStore({ db, box: envBox(b64(key32())), clock: { now: () => new Date('2025-01-02T03:04:05.000Z') } });
    const id = await store.put('connection:c1:apiKey', 'plain-api-key-123');

    const stored = await db.selectFrom('secrets').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(stored.ciphertext).not.toContain('plain-api-key-123');
    expect(stored).toMatchObject({ purpose: 'connection:c1:apiKey', key_version: 1, created_at: '2025-01-02T03:04:05.000Z' });
    expect(await store.reveal(id)).toBe('plain-api-key-123');

    await store.replace(id, '새 키');
    expect(await store.reveal(id)).toBe('새 키');

    expect(await store.remove(id)).toBe(true);
    expect(await store.remove(id)).toBe(false);
    await expect(store.reveal(id)).rejects.toBeInstanceOf(SecretNotFoundError);
    await expect(store.replace(id, 'x')).rejects.toBeInstanceOf(SecretNotFoundError);
  });

  it('joins the caller\'s transaction: a rolled-back put leaves nothing', async () => {
    const { db } = scratch.database;
    const store = createSecretStore({ db, box: envBox(b64(key32())) });
    await expect(
      db.transaction().execute(async (trx) => {
        await store.put('connection:c1:apiKey', 'k', trx);
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await db.selectFrom('secrets').selectAll().execute()).toEqual([]);
  });

  it('refuses a ciphertext copied onto another row', async () => {
    const { db } = scratch.database;
    const store = createSecretStore({ db, box: envBox(b64(key32())) });
    const a = await store.put('connection:a:apiKey', 'key of seller A');
    const b = await store.put('connection:b:apiKey', 'key of seller B');
    const { ciphertext } = await db.selectFrom('secrets').select('ciphertext').where('id', '=', a).executeTakeFirstOrThrow();
    await db.updateTable('secrets').set({ ciphertext }).where('id', '=', b).execute();
    await expect(store.reveal(b)).rejects.toBeInstanceOf(SecretBoxError);
    expect(await store.reveal(a)).toBe('key of seller A');
  });

  it('rotates the key file: every secret moves to version 2 and reveals the same text; old values still open', async () => {
    const { db } = scratch.database;
    const dir = dataDir();
    const log = capturedLogger();
    const v1Store = createSecretStore({ db, box: createSecretBox(loadKeyring({ masterKey: undefined, dataDir: dir, log: log.log })) });
    const ids: string[] = [];
    for (const [i, text] of plaintexts.entries()) ids.push(await v1Store.put(`connection:${i}:apiKey`, text));
    // Enough rows to need several batches.
    for (let i = 0; i < 450; i++) ids.push(await v1Store.put(`bulk:${i}`, `bulk-secret-${i}`));
    const expected = [...plaintexts, ...Array.from({ length: 450 }, (_, i) => `bulk-secret-${i}`)];
    const keyV1 = b64(loadKeyring({ masterKey: undefined, dataDir: dir, log: capturedLogger().log }).current.key);
    // A value sealed under v1 that is not in the table (e.g. a backup row): it must still open afterwards.
    const sealedUnderV1 = createSecretBox(loadKeyring({ masterKey: undefined, dataDir: dir, log: capturedLogger().log })).seal('kept', 'ad');

    const result = await rotateMasterKey({ config: { masterKey: undefined, dataDir: dir }, db, log: log.log });

    expect(result).toEqual({ fromVersions: [1], toVersion: 2, reencrypted: ids.length });
    const rows = await db.selectFrom('secrets').select(['key_version', 'ciphertext']).execute();
    expect(rows).toHaveLength(ids.length);
    expect(rows.every((r) => r.key_version === 2 && r.ciphertext.startsWith('v1.2.'))).toBe(true);

    const after = loadKeyring({ masterKey: undefined, dataDir: dir, log: capturedLogger().log });
    expect(after.versions).toEqual([2, 1]);
    const v2Store = createSecretStore({ db, box: createSecretBox(after) });
    expect(await Promise.all(ids.map((id) => v2Store.reveal(id)))).toEqual(expected);
    expect(createSecretBox(after).open(sealedUnderV1, 'ad')).toBe('kept');
    // The store built before rotation (still on v1 in memory) reads the rotated rows too.
    expect(await v1Store.reveal(ids[1]!)).toBe(plaintexts[1]);
    expect(log.lines.join('\n')).not.toContain(keyV1);

    // A second run has nothing left on old versions; it moves everything once more.
    const again = await rotateMasterKey({ config: { masterKey: undefined, dataDir: dir }, db, log: log.log });
    expect(again).toEqual({ fromVersions: [2], toVersion: 3, reencrypted: ids.length });
  });

  it('rotates to the highest SMARTSHIP_MASTER_KEY version', async () => {
    const { db } = scratch.database;
    const [k1, k2] = [b64(key32()), b64(key32())];
    const before = createSecretStore({ db, box: envBox(k1) });
    const ids = await Promise.all(plaintexts.map((t, i) => before.put(`connection:${i}:password`, t)));

    const { log, records } = capturedLogger();
    const env = `2:${k2},1:${k1}`;
    const result = await rotateMasterKey({ config: { masterKey: env, dataDir: dataDir() }, db, log });
    expect(result).toEqual({ fromVersions: [1], toVersion: 2, reencrypted: plaintexts.length });

    const rows = await db.selectFrom('secrets').select('key_version').execute();
    expect(rows.map((r) => r.key_version)).toEqual(plaintexts.map(() => 2));
    // Only the new key is needed now.
    const onlyV2 = createSecretStore({ db, box: envBox(`2:${k2}`) });
    expect(await Promise.all(ids.map((id) => onlyV2.reveal(id)))).toEqual(plaintexts);
    expect(JSON.stringify(records())).not.toContain(k2);

    const noop = await rotateMasterKey({ config: { masterKey: env, dataDir: dataDir() }, db, log });
    expect(noop).toEqual({ fromVersions: [], toVersion: 2, reencrypted: 0 });
    expect(records().some((r) => r.level === 40 && String(r.msg).includes('add a new version'))).toBe(true);
  });

  it('does not overwrite a value written while rotation was between its read and its update', async () => {
    const { db } = scratch.database;
    const [k1, k2] = [b64(key32()), b64(key32())];
    const oldStore = createSecretStore({ db, box: envBox(k1) });
    const id = await oldStore.put('connection:x:apiKey', 'old value');

    // A process still on version 1 replaces the value after rotation has read the row: the racing box
    // starts that write when rotation decrypts, and the database wrapper lets it land before rotation's update.
    const newBox = envBox(`2:${k2},1:${k1}`);
    let concurrentWrite: Promise<void> | undefined;
    const racingBox = {
      currentVersion: newBox.currentVersion,
      seal: newBox.seal,
      keyVersionOf: newBox.keyVersionOf,
      open(sealed: string, ad?: string) {
        concurrentWrite ??= oldStore.replace(id, 'new value');
        return newBox.open(sealed, ad);
      },
    };
    const racingDb = new Proxy(db, {
      get(target, prop) {
        if (prop === 'transaction') {
          return () => ({
            execute: async <T,>(fn: Parameters<ReturnType<typeof db.transaction>['execute']>[0]) => {
              await concurrentWrite;
              return (await target.transaction().execute(fn)) as T;
            },
          });
        }
        const value = Reflect.get(target, prop) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });

    const result = await createSecretStore({ db: racingDb, box: racingBox }).rotateAll();
    expect(result).toEqual({ reencrypted: 0, skipped: 1 });
    const rotated = createSecretStore({ db, box: newBox });
    expect(await rotated.reveal(id)).toBe('new value');

    // The next run moves the new value, unchanged.
    expect(await rotated.rotateAll()).toEqual({ reencrypted: 1, skipped: 0 });
    expect(await rotated.reveal(id)).toBe('new value');
    expect(await db.selectFrom('secrets').select('key_version').where('id', '=', id).executeTakeFirstOrThrow()).toEqual({ key_version: 2 });
  });

  it('reports rows it cannot decrypt and still re-encrypts the rest', async () => {
    const { db } = scratch.database;
    const k1 = b64(key32());
    const store = createSecretStore({ db, box: envBox(k1) });
    const good = await store.put('connection:g:apiKey', 'good');
    const bad = await store.put('connection:b:apiKey', 'bad');
    await store.put('connection:o:apiKey', 'other');
    // Well-formed, but not sealed with this key (e.g. a row restored from another installation).
    await db.updateTable('secrets').set({ ciphertext: 'v1.1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.AAAA' }).where('id', '=', bad).execute();
    const rotated = createSecretStore({ db, box: envBox(`2:${b64(key32())},1:${k1}`) });
    await expect(rotated.rotateAll()).rejects.toThrow(expect.objectContaining({ name: 'SecretRotationError', reencrypted: 2, message: expect.stringContaining(bad) }));
    expect(await rotated.reveal(good)).toBe('good');
    expect(await db.selectFrom('secrets').select('key_version').where('id', '=', bad).executeTakeFirstOrThrow()).toEqual({ key_version: 1 });
  });
});
