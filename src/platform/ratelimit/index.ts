export type { RateLimiter, TokenBucketOptions } from './port.ts';
export { defaultTokenBucket } from './port.ts';
export { createMemoryRateLimiter } from './memory.ts';
export { createRedisRateLimiter, type RedisRateLimiterOptions } from './redis.ts';
