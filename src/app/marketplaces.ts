import { Redis } from 'ioredis';
import type { Config } from '../platform/config/config.ts';
import type { Logger } from '../platform/log/logger.ts';
import { createMemoryRateLimiter, createRedisRateLimiter } from '../platform/ratelimit/index.ts';
import { createMarketplaceRegistry, type MarketplaceRegistry } from '../marketplaces/registry.ts';

export interface Marketplaces {
  /** Adapters for the work (import, confirm, ship, stock): retries with backoff. */
  registry: MarketplaceRegistry;
  /** Adapters for connection tests: one attempt and a short timeout, so a person gets an answer quickly. */
  probes: MarketplaceRegistry;
  close(): void;
}

/** The mall adapters with their rate limiter: shared through Redis by every process when REDIS_URL is set. */
export function createMarketplaces(config: Config, log: Logger): Marketplaces {
  const redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 3 }) : undefined;
  redis?.on('error', (err) => log.warn({ err: { message: err.message } }, 'redis (rate limiter) connection error'));
  const bucket = { ratePerSecond: config.elevenst.ratePerSecond, burst: config.elevenst.burst };
  const rateLimiter = redis
    ? createRedisRateLimiter({ ...bucket, redis, keyPrefix: `${config.queue.prefix}:ratelimit:11st:` })
    : createMemoryRateLimiter(bucket);
  const probeTimeoutMs = config.connectionTestTimeoutMs;
  return {
    registry: createMarketplaceRegistry({ elevenst: { rateLimiter } }),
    probes: createMarketplaceRegistry({ elevenst: { rateLimiter, retry: { attempts: 1 }, connectTimeoutMs: probeTimeoutMs, totalTimeoutMs: probeTimeoutMs } }),
    close: () => redis?.disconnect(),
  };
}
