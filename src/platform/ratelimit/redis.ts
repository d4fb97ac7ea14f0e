import type { Redis } from 'ioredis';
import { defaultTokenBucket, realSleep, validateBucket, type RateLimiter, type TokenBucketOptions } from './port.ts';

/**
 * One atomic step of a reserving token bucket. Time comes from the Redis server so that processes on
 * machines with skewed clocks share one bucket. Returns the milliseconds the caller must wait.
 * KEYS[1] bucket hash; ARGV: rate per second, burst, caller clock in ms or '' for server time.
 */
const TAKE_SCRIPT = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local now
if ARGV[3] ~= '' then
  now = tonumber(ARGV[3])
else
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then
  tokens = burst
  at = now
end
local elapsed = now - at
if elapsed < 0 then elapsed = 0 end
tokens = math.min(burst, tokens + elapsed * rate / 1000) - 1
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
local wait = 0
if tokens < 0 then wait = math.ceil(-tokens * 1000 / rate) end
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + wait + 60000)
return wait
`;

const TAKE_COMMAND = 'smartshipRateLimitTake';

/** The client with the script as a command: `take(bucketKey, rate, burst, clock)` resolves to the wait in ms. */
type WithTakeCommand = Redis & { [TAKE_COMMAND]: (key: string, rate: string, burst: string, clock: string) => Promise<number> };

export interface RedisRateLimiterOptions extends TokenBucketOptions {
  redis: Redis;
  /** Prefix of the bucket keys. Default 'smartship:ratelimit:'. */
  keyPrefix?: string;
}

/** Token bucket shared by every process that uses the same Redis and key prefix. */
export function createRedisRateLimiter(options: RedisRateLimiterOptions): RateLimiter {
  const rate = options.ratePerSecond ?? defaultTokenBucket.ratePerSecond;
  const burst = options.burst ?? defaultTokenBucket.burst;
  validateBucket(rate, burst);
  const sleep = options.sleep ?? realSleep;
  const prefix = options.keyPrefix ?? 'smartship:ratelimit:';
  const redis = options.redis as WithTakeCommand;
  // ioredis sends a defined command by its hash (EVALSHA), in full on a connection's first call and
  // whenever the server answers NOSCRIPT (after a restart or SCRIPT FLUSH).
  if (typeof redis[TAKE_COMMAND] !== 'function') redis.defineCommand(TAKE_COMMAND, { numberOfKeys: 1, lua: TAKE_SCRIPT });

  return {
    async take(key: string): Promise<void> {
      const clock = options.now ? String(options.now()) : '';
      const wait = Number(await redis[TAKE_COMMAND](prefix + key, String(rate), String(burst), clock));
      if (wait > 0) await sleep(wait);
    },
  };
}
