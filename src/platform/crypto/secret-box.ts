import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Keyring } from './keyring.ts';

const FORMAT = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SEALED = /^v1\.([1-9]\d{0,8})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]*)$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export type SecretBoxFailure = 'malformed' | 'unknown-key-version' | 'authentication-failed';

/** A sealed value cannot be opened. Never carries plaintext or key material. */
export class SecretBoxError extends Error {
  constructor(
    readonly reason: SecretBoxFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SecretBoxError';
  }
}

export interface SecretBox {
  /** The key version new values are sealed with. */
  readonly currentVersion: number;
  /**
   * Encrypts text with the current key: `v1.<keyVersion>.<iv>.<tag>.<ciphertext>` (base64url parts).
   * `associatedData` (e.g. the record the value belongs to) must be given again, identical, to open it.
   */
  seal(plaintext: string, associatedData?: string): string;
  /** Decrypts a sealed value; throws SecretBoxError when it was altered, the key differs or the associated data differs. */
  open(sealed: string, associatedData?: string): string;
  /** The key version a sealed value was written with (without decrypting it). */
  keyVersionOf(sealed: string): number;
}

interface Parts {
  keyVersion: number;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

function parse(sealed: string): Parts {
  const m = typeof sealed === 'string' ? SEALED.exec(sealed) : null;
  if (!m) {
    throw new SecretBoxError('malformed', `Not a sealed secret (expected ${FORMAT}.<keyVersion>.<iv>.<tag>.<ciphertext>); the stored value is damaged`);
  }
  const [iv, tag, ciphertext] = [m[2]!, m[3]!, m[4]!].map((text) => {
    const bytes = Buffer.from(text, 'base64url');
    // Only the canonical encoding is accepted, so every changed character is a changed value.
    if (bytes.toString('base64url') !== text) throw new SecretBoxError('malformed', 'Not a sealed secret (a part is not canonical base64url); the stored value is damaged');
    return bytes;
  }) as [Buffer, Buffer, Buffer];
  return { keyVersion: Number(m[1]), iv, tag, ciphertext };
}

// The header is authenticated too, so a value cannot be relabelled with another format or key version.
function aad(keyVersion: number, associatedData: string | undefined): Buffer {
  return Buffer.from(`${FORMAT}.${keyVersion}.${associatedData ?? ''}`, 'utf8');
}

/** AES-256-GCM with a random 96-bit IV per message, keyed by the keyring's versions. */
export function createSecretBox(keyring: Keyring): SecretBox {
  return {
    currentVersion: keyring.current.version,

    seal(plaintext, associatedData) {
      if (typeof plaintext !== 'string') throw new TypeError('A secret must be a string');
      // UTF-8 cannot hold a lone surrogate: it would come back as U+FFFD, a silently different secret.
      if (LONE_SURROGATE.test(plaintext)) throw new TypeError('A secret must be well-formed Unicode text (it holds a lone surrogate)');
      const { version, key } = keyring.current;
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(aad(version, associatedData));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return `${FORMAT}.${version}.${iv.toString('base64url')}.${tag.toString('base64url')}.${ciphertext.toString('base64url')}`;
    },

    open(sealed, associatedData) {
      const { keyVersion, iv, tag, ciphertext } = parse(sealed);
      let key: Buffer;
      try {
        key = keyring.key(keyVersion);
      } catch (err) {
        throw new SecretBoxError('unknown-key-version', (err as Error).message, { cause: err });
      }
      // authTagLength pins the tag to 16 bytes: GCM would otherwise accept a truncated (forgeable) tag.
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(aad(keyVersion, associatedData));
      decipher.setAuthTag(tag);
      try {
        return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
      } catch (err) {
        throw new SecretBoxError(
          'authentication-failed',
          `Cannot decrypt a secret sealed with master key version ${keyVersion}: it was altered, belongs to another record, ` +
            'or that key version does not hold the key it was sealed with',
          { cause: err },
        );
      }
    },

    keyVersionOf(sealed) {
      return parse(sealed).keyVersion;
    },
  };
}
