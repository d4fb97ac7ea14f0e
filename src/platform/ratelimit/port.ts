/** Paces calls per key (e.g. per mall connection). */
export interface RateLimiter {
  /** Resolves when the caller may make one call for this key. */
  take(key: string): Promise<void>;
}

export interface TokenBucketOptions {
  /** Tokens added per second (steady rate). Default 2. */
  ratePerSecond?: number;
  /** Bucket size: calls allowed back to back after a quiet spell. Default 4. */
  burst?: number;
  /** Milliseconds since the epoch. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export const defaultTokenBucket = { ratePerSecond: 2, burst: 4 } as const;

export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function validateBucket(ratePerSecond: number, burst: number): void {
  if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) throw new RangeError(`ratePerSecond must be > 0, got ${ratePerSecond}`);
  if (!(burst >= 1) || !Number.isFinite(burst)) throw new RangeError(`burst must be >= 1, got ${burst}`);
}
