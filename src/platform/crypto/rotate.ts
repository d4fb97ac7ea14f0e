import type { Config } from '../config/config.ts';
import type { Db } from '../db/schema.ts';
import type { Logger } from '../log/logger.ts';
import { addKeyVersion, loadKeyring } from './keyring.ts';
import { createSecretBox } from './secret-box.ts';
import { createSecretStore } from './secrets.ts';

export interface MasterKeyRotation {
  /** The key versions stored secrets used before this run, other than the target (empty when none needed work). */
  fromVersions: number[];
  /** The key version every secret is on afterwards. */
  toVersion: number;
  reencrypted: number;
}

/**
 * `smartship rotate-master-key`. With the key file: adds a new key version to the file, then
 * re-encrypts every stored secret with it. With SMARTSHIP_MASTER_KEY: re-encrypts every secret with
 * the highest version the variable holds (the operator adds that version to the variable first).
 *
 * Old versions stay in the file, so a crash mid-run loses nothing: running the command again finishes
 * the job (it adds one more version and moves everything to it). Once a run has succeeded, no secret
 * uses the old versions and they may be removed from the file (or from the variable).
 */
export async function rotateMasterKey(deps: { config: Pick<Config, 'masterKey' | 'dataDir'>; db: Db; log: Logger }): Promise<MasterKeyRotation> {
  const { config, db, log } = deps;
  const opts = { masterKey: config.masterKey, dataDir: config.dataDir, log };
  const keyring = config.masterKey === undefined ? addKeyVersion(opts) : loadKeyring(opts);
  const box = createSecretBox(keyring);
  const store = createSecretStore({ db, box });
  const toVersion = keyring.current.version;
  const fromVersions = (await store.keyVersions()).map((v) => v.keyVersion).filter((v) => v !== toVersion);

  if (keyring.source === 'env' && fromVersions.length === 0) {
    log.warn(
      { toVersion },
      `Every stored secret already uses master key version ${toVersion}, the highest in SMARTSHIP_MASTER_KEY. ` +
        `To rotate, add a new version to the variable (e.g. "${toVersion + 1}:NEW_KEY,${toVersion}:CURRENT_KEY"), restart, and run this again.`,
    );
  }
  const { reencrypted, skipped } = await store.rotateAll();
  if (skipped > 0) {
    log.warn({ skipped }, `${skipped} secret(s) changed while rotating and were left as written; run rotate-master-key again to check them`);
  }
  log.info(
    { fromVersions, toVersion, reencrypted },
    `Re-encrypted ${reencrypted} secret(s) with master key version ${toVersion}` +
      (fromVersions.length > 0 && skipped === 0 ? `; versions ${fromVersions.join(', ')} are no longer used; once every hub process has been restarted and this command run again, they can be removed after a backup` : ''),
  );
  return { fromVersions, toVersion, reencrypted };
}
