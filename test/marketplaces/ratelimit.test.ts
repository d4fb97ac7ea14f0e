import { randomUUID } from 'node:crypto';
import { connect, createServer, type AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryRateLimiter } from '../../src/platform/ratelimit/memory.ts';
import { createRedisRateLimiter } from '../../src/platform/ratelimit/redis.ts';
import type { RateLimiter } from '../../src/platform/ratelimit/port.ts';

/** A fake clock where sleeping moves time forward; records every sleep. */
function fakeTime(start = 1_000_000) {
  let t = start;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    advance: (ms: number) => {
      t += ms;
    },
    sleeps,
  };
}

/** Times (ms after start) at which n sequential take() calls were let through. */
async function passTimes(limiter: RateLimiter, key: string, n: number, clock: { now: () => number }) {
  const start = clock.now();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    await limiter.take(key);
    out.push(clock.now() - start);
  }
  return out;
}

describe('memory token bucket', () => {
  it('lets a burst of 4 through at once, then paces at 2 per second (the defaults)', async () => {
    const time = fakeTime();
    const limiter = createMemoryRateLimiter({ now: time.now, sleep: time.sleep });
    expect(await passTimes(limiter, 'c1', 7, time)).toEqual([0, 0, 0, 0, 500, 1000, 1500]);
  });

  it('keeps separate buckets per key (per connection)', async () => {
    const time = fakeTime();
    const limiter = createMemoryRateLimiter({ ratePerSecond: 1, burst: 1, now: time.now, sleep: time.sleep });
    await limiter.take('a');
    await limiter.take('b');
    expect(time.sleeps).toEqual([]);
    await limiter.take('a');
    expect(time.sleeps).toEqual([1000]);
  });

  it('refills while idle but never beyond the burst', async () => {
    const time = fakeTime();
    const limiter = createMemoryRateLimiter({ ratePerSecond: 2, burst: 3, now: time.now, sleep: time.sleep });
    await passTimes(limiter, 'k', 3, time);
    time.advance(60_000);
    expect(await passTimes(limiter, 'k', 5, time)).toEqual([0, 0, 0, 500, 1000]);
  });

  it('queues concurrent callers fairly: each waits for its own reserved token', async () => {
    const time = fakeTime();
    const waits: number[] = [];
    const limiter = createMemoryRateLimiter({
      ratePerSecond: 10,
      burst: 2,
      now: time.now,
      sleep: async (ms) => void waits.push(ms),
    });
    await Promise.all(Array.from({ length: 5 }, () => limiter.take('k')));
    expect(waits).toEqual([100, 200, 300]);
  });

  it('rejects nonsense settings', () => {
    expect(() => createMemoryRateLimiter({ ratePerSecond: 0 })).toThrow(RangeError);
    expect(() => createMemoryRateLimiter({ burst: 0 })).toThrow(RangeError);
  });
});

const redisUrl = process.env['SMARTSHIP_TEST_REDIS_URL'];

describe.skipIf(!redisUrl)('redis token bucket (SMARTSHIP_TEST_REDIS_URL)', () => {
  const prefix = `smartship-test:${randomUUID()}:`;
  let a: Redis;
  let b: Redis;
  beforeAll(() => {
    a = new Redis(redisUrl as string, { lazyConnect: false, maxRetriesPerRequest: 1 });
    b = new Redis(redisUrl as string, { lazyConnect: false, maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    const keys = await a.keys(`${prefix}*`);
    if (keys.length > 0) await a.del(...keys);
    a.disconnect();
    b.disconnect();
  });

  it('paces with the same arithmetic as the memory bucket (injected clock)', async () => {
    const time = fakeTime();
    const limiter = createRedisRateLimiter({ redis: a, keyPrefix: prefix, now: time.now, sleep: time.sleep });
    expect(await passTimes(limiter, 'paced', 7, time)).toEqual([0, 0, 0, 0, 500, 1000, 1500]);
  });

  it('holds one limit across two clients (two processes) sharing a key', async () => {
    const time = fakeTime();
    const opts = { keyPrefix: prefix, ratePerSecond: 5, burst: 2, now: time.now, sleep: async (ms: number) => void time.sleeps.push(ms) };
    const one = createRedisRateLimiter({ ...opts, redis: a });
    const two = createRedisRateLimiter({ ...opts, redis: b });
    await Promise.all([one.take('shared'), two.take('shared'), one.take('shared'), two.take('shared'), one.take('shared')]);
    // Two pass at once, three reserve the next tokens at 200 ms intervals, whichever client asked.
    expect([...time.sleeps].sort((x, y) => x - y)).toEqual([200, 400, 600]);
  });

  it('sends the script in full when the server does not know its hash (first call, restart, SCRIPT FLUSH)', async () => {
    // A fresh client (the script never defined on it) through a relay that answers the first EVALSHA
    // as a server with an empty script cache would; flushing the real cache would disturb the other
    // suites (BullMQ) that share this Redis server.
    const target = new URL(redisUrl as string);
    const sent: string[] = [];
    let refused = 0;
    const relay = createServer((client) => {
      const server = connect(Number(target.port || 6379), target.hostname);
      server.on('data', (chunk) => client.write(chunk));
      client.on('data', (chunk) => {
        const command = /^\*\d+\r\n\$\d+\r\n(\w+)/.exec(chunk.toString('latin1'))?.[1]?.toLowerCase();
        if (command === 'eval' || command === 'evalsha') sent.push(command);
        if (command === 'evalsha' && refused === 0) {
          refused++;
          client.write('-NOSCRIPT No matching script. Please use EVAL.\r\n');
          return;
        }
        server.write(chunk);
      });
      client.on('close', () => server.destroy());
      server.on('close', () => client.destroy());
    });
    await new Promise<void>((ready) => relay.listen(0, '127.0.0.1', ready));
    const fresh = new Redis({ host: '127.0.0.1', port: (relay.address() as AddressInfo).port, db: Number(target.pathname.slice(1) || 0), maxRetriesPerRequest: 1 });
    try {
      const time = fakeTime();
      const limiter = createRedisRateLimiter({ redis: fresh, keyPrefix: prefix, now: time.now, sleep: time.sleep });
      expect(await passTimes(limiter, 'forgotten', 6, time)).toEqual([0, 0, 0, 0, 500, 1000]);
      expect(refused).toBe(1);
      // In full on the first call and again after NOSCRIPT; by hash otherwise.
      expect(sent).toEqual(['eval', 'evalsha', 'eval', 'evalsha', 'evalsha', 'evalsha', 'evalsha']);
    } finally {
      fresh.disconnect();
      await new Promise((closed) => relay.close(closed));
    }
  });

  it('uses the Redis server clock when no clock is injected, and expires idle buckets', async () => {
    const limiter = createRedisRateLimiter({ redis: a, keyPrefix: prefix, ratePerSecond: 20, burst: 2 });
    const started = performance.now();
    for (let i = 0; i < 5; i++) await limiter.take('server-clock');
    const elapsed = performance.now() - started;
    // 3 calls beyond the burst at 20/s need at least ~150 ms in total.
    expect(elapsed).toBeGreaterThanOrEqual(130);
    expect(elapsed).toBeLessThan(1500);
    const ttl = await a.pttl(`${prefix}server-clock`);
    expect(ttl).toBeGreaterThan(0);
  });
});
