import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Session cookies, API tokens and setup tokens are random 32-byte values; only their sha256 is stored. */
export const newSessionToken = () => randomBytes(32).toString('base64url');
export const API_TOKEN_PREFIX = 'sst_';
export const newApiToken = () => API_TOKEN_PREFIX + randomBytes(32).toString('base64url');
export const newSetupToken = () => randomBytes(18).toString('base64url');

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/**
 * The CSRF token of a session, derived from the session token so nothing more is stored: knowing it
 * (it is readable by the page's script) tells nothing about the httpOnly session token.
 */
export const csrfTokenFor = (sessionToken: string) => createHmac('sha256', sessionToken).update('smartship-csrf').digest('base64url');

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(sha256(a));
  const y = Buffer.from(sha256(b));
  return timingSafeEqual(x, y);
}
