import { defaultTokenBucket, realSleep, validateBucket, type RateLimiter, type TokenBucketOptions } from './port.ts';

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Token bucket in this process's memory. A take() that finds the bucket empty reserves the next token
 * (the balance goes negative) and sleeps until it is due, so concurrent callers queue fairly without
 * polling.
 */
export function createMemoryRateLimiter(options: TokenBucketOptions = {}): RateLimiter {
  const rate = options.ratePerSecond ?? defaultTokenBucket.ratePerSecond;
  const burst = options.burst ?? defaultTokenBucket.burst;
  validateBucket(rate, burst);
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const buckets = new Map<string, Bucket>();

  return {
    async take(key: string): Promise<void> {
      const t = now();
      const bucket = buckets.get(key) ?? { tokens: burst, at: t };
      const refilled = Math.min(burst, bucket.tokens + (Math.max(0, t - bucket.at) * rate) / 1000);
      bucket.tokens = refilled - 1;
      bucket.at = t;
      buckets.set(key, bucket);
      if (bucket.tokens >= 0) return;
      await sleep(Math.ceil((-bucket.tokens * 1000) / rate));
    },
  };
}
