import { newId, toIso } from '../db/dialect.ts';
import type { Db, DbOrTx } from '../db/schema.ts';
import type { SecretBox } from './secret-box.ts';

/** No secret has this id (it was removed, or the id is wrong). */
export class SecretNotFoundError extends Error {
  constructor(readonly id: string) {
    super(`No stored secret has id ${id}`);
    this.name = 'SecretNotFoundError';
  }
}

/** Some secrets could not be re-encrypted; the others were, and the failed ones are left as they were. */
export class SecretRotationError extends Error {
  constructor(
    readonly reencrypted: number,
    readonly failures: Array<{ id: string; keyVersion: number; reason: string }>,
  ) {
    super(
      `Re-encrypted ${reencrypted} secret(s), but ${failures.length} could not be decrypted and keep their old key version: ` +
        failures.slice(0, 10).map((f) => `${f.id} (key version ${f.keyVersion}: ${f.reason})`).join('; ') +
        (failures.length > 10 ? `; and ${failures.length - 10} more` : ''),
    );
    this.name = 'SecretRotationError';
  }
}

export interface RotationResult {
  /** Rows moved to the current key version by this run. */
  reencrypted: number;
  /** Rows left alone because another writer changed them meanwhile (they are re-read by the next run). */
  skipped: number;
}

// The row binds its ciphertext: moved to another row (or relabelled with another purpose), it no longer opens.
function associatedData(id: string, purpose: string): string {
  return JSON.stringify(['secrets', id, purpose]);
}

/**
 * Encrypted secrets (mall API keys, passwords) in the `secrets` table. Other modules keep only the id;
 * the plaintext exists only in memory, when a caller reveals it to use it.
 */
export function createSecretStore(deps: { db: Db; box: SecretBox; clock?: { now(): Date } }) {
  const { db, box } = deps;
  const now = () => toIso(deps.clock ? deps.clock.now() : new Date());

  async function row(id: string, trx: DbOrTx) {
    const found = await trx.selectFrom('secrets').select(['id', 'purpose', 'ciphertext']).where('id', '=', id).executeTakeFirst();
    if (!found) throw new SecretNotFoundError(id);
    return found;
  }

  return {
    /** Stores a secret; `purpose` says what it is for (e.g. "connection:<id>:apiKey"), never the secret itself. */
    async put(purpose: string, plaintext: string, trx: DbOrTx = db): Promise<string> {
      if (purpose.trim() === '' || purpose.length > 200) throw new TypeError('A secret purpose is 1 to 200 characters');
      const at = now();
      const id = newId();
      const ciphertext = box.seal(plaintext, associatedData(id, purpose));
      await trx
        .insertInto('secrets')
        .values({ id, purpose, key_version: box.currentVersion, ciphertext, created_at: at, updated_at: at })
        .execute();
      return id;
    },

    /** Replaces a secret's value (same id, same purpose), sealed with the current key. */
    async replace(id: string, plaintext: string, trx: DbOrTx = db): Promise<void> {
      const { purpose } = await row(id, trx);
      const ciphertext = box.seal(plaintext, associatedData(id, purpose));
      const result = await trx
        .updateTable('secrets')
        .set({ ciphertext, key_version: box.currentVersion, updated_at: now() })
        .where('id', '=', id)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) throw new SecretNotFoundError(id);
    },

    /** The plaintext; throws SecretNotFoundError, or SecretBoxError when it cannot be decrypted. */
    async reveal(id: string, trx: DbOrTx = db): Promise<string> {
      const { purpose, ciphertext } = await row(id, trx);
      return box.open(ciphertext, associatedData(id, purpose));
    },

    /** Deletes a secret; true when it existed. */
    async remove(id: string, trx: DbOrTx = db): Promise<boolean> {
      const result = await trx.deleteFrom('secrets').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    /** The key versions stored rows use, with counts (for rotation reports and health checks). */
    async keyVersions(): Promise<Array<{ keyVersion: number; count: number }>> {
      const rows = await db
        .selectFrom('secrets')
        .select(['key_version', (eb) => eb.fn.countAll<string | number>().as('n')])
        .groupBy('key_version')
        .orderBy('key_version')
        .execute();
      return rows.map((r) => ({ keyVersion: Number(r.key_version), count: Number(r.n) }));
    },

    /**
     * Re-encrypts every row not on the current key version, in batches. Each row is updated only if it
     * still holds what was read, so a value written meanwhile is never overwritten with an older one.
     * Throws SecretRotationError (after doing all it can) when some rows cannot be decrypted.
     */
    async rotateAll(opts: { batchSize?: number } = {}): Promise<RotationResult> {
      const batchSize = opts.batchSize ?? 200;
      const target = box.currentVersion;
      const failures: SecretRotationError['failures'] = [];
      let reencrypted = 0;
      let skipped = 0;
      let after = '';
      for (;;) {
        const batch = await db
          .selectFrom('secrets')
          .select(['id', 'purpose', 'key_version', 'ciphertext'])
          .where('key_version', '<>', target)
          .where('id', '>', after)
          .orderBy('id')
          .limit(batchSize)
          .execute();
        if (batch.length === 0) break;
        after = batch[batch.length - 1]!.id;
        const updates: Array<{ id: string; oldVersion: number; oldCiphertext: string; ciphertext: string }> = [];
        for (const r of batch) {
          const ad = associatedData(r.id, r.purpose);
          try {
            updates.push({ id: r.id, oldVersion: r.key_version, oldCiphertext: r.ciphertext, ciphertext: box.seal(box.open(r.ciphertext, ad), ad) });
          } catch (err) {
            failures.push({ id: r.id, keyVersion: Number(r.key_version), reason: (err as Error).message });
          }
        }
        // updated_at is left alone: it records when the secret's value last changed, which rotation does not.
        await db.transaction().execute(async (tx) => {
          for (const u of updates) {
            const result = await tx
              .updateTable('secrets')
              .set({ ciphertext: u.ciphertext, key_version: target })
              .where('id', '=', u.id)
              .where('key_version', '=', u.oldVersion)
              .where('ciphertext', '=', u.oldCiphertext)
              .executeTakeFirst();
            if (Number(result.numUpdatedRows) === 1) reencrypted++;
            else skipped++;
          }
        });
      }
      if (failures.length > 0) throw new SecretRotationError(reencrypted, failures);
      return { reencrypted, skipped };
    },
  };
}

export type SecretStore = ReturnType<typeof createSecretStore>;
