// Fault injection for OpenAPI routes; switchable at start and at run time (PUT /__sandbox/chaos).

import { z } from 'zod';
import type { Rng } from './seed.ts';

export interface Chaos {
  /** Added to every OpenAPI answer, in milliseconds. */
  latencyMs: number;
  /** Share (0..1) of requests answered with a bare HTTP 500 page. */
  errorRate: number;
  /** Share (0..1) of requests accepted and never answered. */
  timeoutRate: number;
  /** Share (0..1) of answers cut in the middle of an element. */
  malformedRate: number;
  /** Every OpenAPI call answers -1000 (서버 점검중입니다). */
  maintenance: boolean;
}

export const chaosSchema = z
  .object({
    latencyMs: z.number().int().min(0).max(600_000),
    errorRate: z.number().min(0).max(1),
    timeoutRate: z.number().min(0).max(1),
    malformedRate: z.number().min(0).max(1),
    maintenance: z.boolean(),
  })
  .partial()
  .strict();

export const NO_CHAOS: Chaos = { latencyMs: 0, errorRate: 0, timeoutRate: 0, malformedRate: 0, maintenance: false };

export type Fault = 'none' | 'timeout' | 'error';

export class ChaosSwitch {
  private current: Chaos;

  constructor(
    initial: Partial<Chaos> | undefined,
    private readonly rng: Rng,
  ) {
    this.current = { ...NO_CHAOS, ...chaosSchema.parse(initial ?? {}) };
  }

  get value(): Chaos {
    return { ...this.current };
  }

  update(patch: Partial<Chaos>): Chaos {
    this.current = { ...this.current, ...patch };
    return this.value;
  }

  reset(): void {
    this.current = { ...NO_CHAOS };
  }

  /** Decides the transport fault of one request (timeouts first, then 500s). */
  roll(): Fault {
    if (this.current.timeoutRate > 0 && this.rng() < this.current.timeoutRate) return 'timeout';
    if (this.current.errorRate > 0 && this.rng() < this.current.errorRate) return 'error';
    return 'none';
  }

  shouldMalform(): boolean {
    return this.current.malformedRate > 0 && this.rng() < this.current.malformedRate;
  }
}

export const HTTP_500_PAGE =
  '<html><head><title>Error</title></head><body><h1>HTTP Status 500 - Internal Server Error</h1></body></html>';

/** Cuts an XML answer inside its body so no parser can accept it. */
export function malform(bytes: Buffer): Buffer {
  const cut = Math.max(1, Math.floor(bytes.length * 0.6));
  return Buffer.concat([bytes.subarray(0, cut), Buffer.from('<ns2:broken', 'latin1')]);
}
