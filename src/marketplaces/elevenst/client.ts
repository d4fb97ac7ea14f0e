/**
 * HTTP only: URLs, the `openapikey` header, bytes → text (CP949), timeouts, retries and the
 * per-connection rate limit. Knows nothing of what the answers mean beyond "worth retrying".
 */
import { createMemoryRateLimiter } from '../../platform/ratelimit/memory.ts';
import type { RateLimiter } from '../../platform/ratelimit/port.ts';
import { MarketplaceError } from '../types.ts';
import { decodeBody, peekResult, readAnswer, type Answer } from './codec.ts';
import { transientResultCodes } from './codes.ts';

export const defaultBaseUrl = 'https://api.11st.co.kr';

export interface RetryOptions {
  /** Total tries including the first. Default 4. */
  attempts?: number;
  /** First backoff delay; doubles per retry. Default 500 ms. */
  baseDelayMs?: number;
  /** Cap of one backoff delay. Default 8,000 ms. */
  maxDelayMs?: number;
}

export interface ElevenstClientOptions {
  rateLimiter?: RateLimiter;
  /**
   * Time allowed until the response headers arrive (covers DNS, connect, TLS and the server's think
   * time: global fetch exposes no separate connect phase). Default 10 s.
   */
  connectTimeoutMs?: number;
  /** Time allowed for one attempt including reading the body. Default 30 s. */
  totalTimeoutMs?: number;
  retry?: RetryOptions;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** 0 ≤ x < 1; for jitter. */
  random?: () => number;
}

export interface ElevenstConnection {
  connectionId: string;
  baseUrl?: string;
  apiKey: string;
}

/** A path segment: text (percent-encoded), `null` (the literal the API wants), or a comma list. */
export type PathSegment = string | null | readonly string[];

export interface ElevenstRequest {
  /** Name of the call, for errors and logs (e.g. 'reqpackaging'). */
  operation: string;
  method?: 'GET' | 'PUT' | 'POST';
  /** Segments after `/rest/`. */
  path: readonly PathSegment[];
  /** XML request body, sent as UTF-8. */
  body?: string;
  /**
   * The call changes the mall (confirm, dispatch, claim answers, stock). Such a call is sent again only
   * when the mall asks for it (-3207, -3311) or when it certainly never left this machine; any other
   * failure is thrown at once as transient, and the outbox, the one retry layer for changes, decides.
   */
  mutating?: boolean;
}

export interface RawResponse {
  status: number;
  /** The body decoded as CP949, whatever the Content-Type says. */
  text: string;
  /** The body read as XML, once for the retry decision and the decoders; absent when unreadable. */
  answer: Answer | undefined;
  bytes: Uint8Array;
  url: string;
  attempts: number;
}

export interface ElevenstClient {
  request(conn: ElevenstConnection, req: ElevenstRequest): Promise<RawResponse>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function encodeSegment(s: PathSegment): string {
  if (s === null) return 'null';
  if (typeof s === 'string') {
    if (s === '') throw new RangeError('empty path segment');
    return encodeURIComponent(s);
  }
  // 11st reads comma-separated lists (e.g. ordPrdSeq `1,2`) from one segment; keep the commas literal.
  return (s as readonly string[]).map((v) => encodeURIComponent(v)).join(',');
}

export function buildUrl(baseUrl: string | undefined, path: readonly PathSegment[]): string {
  const base = (baseUrl ?? defaultBaseUrl).replace(/\/+$/, '');
  return `${base}/rest/${path.map(encodeSegment).join('/')}`;
}

/** The mall's own "try again" verdict (-3207, -3311): the change was not applied. */
function isRetryAnswer(answer: Answer | undefined): boolean {
  const code = peekResult(answer)?.code;
  return code !== undefined && transientResultCodes.has(code);
}

/**
 * Whether an answer is worth another try: HTTP 5xx (and a defensive 429; 11st was never seen sending
 * one) without a recognisable 11st verdict, unreadable bodies, and the result codes the guide says to
 * retry (-3207, -3311). Never the IP rejection.
 */
export function isRetryableResponse(status: number, answer: Answer | undefined): boolean {
  const peek = peekResult(answer);
  // Cut off, not XML, or a proxy's HTML error page; an unreadable 4xx will not improve by asking again.
  if (peek === undefined) return status >= 500 || status === 200 || status === 429;
  if (peek.root === 'AuthMessage') return false;
  if (isRetryAnswer(answer)) return true;
  if (status >= 500 || status === 429) return peek.code === undefined;
  return false;
}

/** Network errors raised before a request could reach the server: nothing was sent. */
const notSentCodes: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * Whether a failed fetch certainly never delivered the request: every error in its cause chain is a
 * refused connection or a failed name lookup. Timeouts, resets and anything unrecognised may have
 * reached the mall.
 */
export function certainlyNotSent(failure: unknown): boolean {
  const codes: unknown[] = [];
  const walk = (e: unknown, depth: number): void => {
    if (depth > 5 || typeof e !== 'object' || e === null) return;
    const { code, cause, errors } = e as { code?: unknown; cause?: unknown; errors?: unknown };
    if (code !== undefined) codes.push(code);
    if (Array.isArray(errors)) for (const x of errors) walk(x, depth + 1);
    walk(cause, depth + 1);
  };
  walk(failure, 0);
  return codes.length > 0 && codes.every((c) => typeof c === 'string' && notSentCodes.has(c));
}

export function createElevenstClient(options: ElevenstClientOptions = {}): ElevenstClient {
  const limiter = options.rateLimiter ?? createMemoryRateLimiter();
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const totalTimeoutMs = options.totalTimeoutMs ?? 30_000;
  const attempts = Math.max(1, options.retry?.attempts ?? 4);
  const baseDelayMs = options.retry?.baseDelayMs ?? 500;
  const maxDelayMs = options.retry?.maxDelayMs ?? 8_000;
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;

  /** Exponential backoff with "equal jitter": half fixed, half random. */
  const backoff = (retry: number) => {
    const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (retry - 1));
    return Math.round(ceiling / 2 + (ceiling / 2) * random());
  };

  async function once(url: string, conn: ElevenstConnection, req: ElevenstRequest): Promise<{ status: number; bytes: Uint8Array }> {
    const total = AbortSignal.timeout(totalTimeoutMs);
    const headersCtl = new AbortController();
    const headersTimer = setTimeout(() => headersCtl.abort(new Error(`no response headers within ${connectTimeoutMs} ms`)), connectTimeoutMs);
    const signal = AbortSignal.any([total, headersCtl.signal]);
    try {
      const headers: Record<string, string> = { openapikey: conn.apiKey, accept: 'application/xml' };
      if (req.body !== undefined) headers['content-type'] = 'text/xml; charset=UTF-8';
      const res = await doFetch(url, {
        method: req.method ?? 'GET',
        headers,
        ...(req.body !== undefined ? { body: Buffer.from(req.body, 'utf8') } : {}),
        signal,
        redirect: 'manual',
      });
      clearTimeout(headersTimer);
      const bytes = new Uint8Array(await res.arrayBuffer());
      return { status: res.status, bytes };
    } catch (e) {
      if (headersCtl.signal.aborted) throw new Error(`timed out: no response headers within ${connectTimeoutMs} ms`, { cause: e });
      if (total.aborted) throw new Error(`timed out: no complete response within ${totalTimeoutMs} ms`, { cause: e });
      throw e;
    } finally {
      clearTimeout(headersTimer);
    }
  }

  return {
    async request(conn, req) {
      const url = buildUrl(conn.baseUrl, req.path);
      const fail = (message: string, extra: { cause?: unknown; httpStatus?: number }) =>
        new MarketplaceError('transient', `11st ${req.operation}: ${message}`, { mall: '11st', operation: req.operation, ...extra });
      let lastFailure: unknown;
      for (let attempt = 1; attempt <= attempts; attempt++) {
        if (attempt > 1) await sleep(backoff(attempt - 1));
        await limiter.take(`11st:${conn.connectionId}`);
        let status: number;
        let bytes: Uint8Array;
        try {
          ({ status, bytes } = await once(url, conn, req));
        } catch (e) {
          lastFailure = e;
          if (req.mutating && !certainlyNotSent(e)) {
            const reason = e instanceof Error ? e.message : 'network failure';
            throw fail(`${reason}; not re-sent, the mall may have applied it`, { cause: e });
          }
          continue;
        }
        const text = decodeBody(bytes);
        const answer = readAnswer(text);
        if (isRetryableResponse(status, answer)) {
          const askedToRetry = isRetryAnswer(answer);
          if (req.mutating && !askedToRetry) {
            throw fail(`HTTP ${status} without a readable verdict; not re-sent, the mall may have applied it`, { httpStatus: status });
          }
          if (attempt < attempts) {
            lastFailure = undefined;
            continue;
          }
        }
        return { status, text, answer, bytes, url, attempts: attempt };
      }
      const reason = lastFailure instanceof Error ? lastFailure.message : 'network failure';
      throw fail(`${reason} (after ${attempts} attempts)`, { cause: lastFailure });
    },
  };
}
