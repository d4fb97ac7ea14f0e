import { z } from 'zod';
import { MarketplaceError } from '../../marketplaces/types.ts';
import type { ConnectionOptions, ConnectionTest, NetworkFailure, TestResultCode } from './api.ts';

/** The options of the source guide, with its defaults. */
export const connectionOptionsSchema = z.object({
  /** 自動注文連動: import on a schedule. */
  autoImport: z.boolean().default(true),
  /** 自動注文確認: confirm new paid lines on the mall (발주확인). */
  autoConfirm: z.boolean().default(false),
  /** 自動フルフィルメント出荷指示: send mapped lines to the warehouse at once. */
  autoFulfillment: z.boolean().default(false),
  /** 自動在庫同期設定: push available stock to the mall. */
  autoStockSync: z.boolean().default(false),
  importIntervalMinutes: z.number().int().min(1).max(24 * 60).default(5),
  firstImportLookbackDays: z.number().int().min(1).max(30).default(7),
  /** 11st dlvEtprsCd; Qxpress is 00108. */
  defaultCarrier: z.string().regex(/^\d{5}$/, { error: 'expected a 5-digit 11st carrier code, e.g. 00108 (Qxpress)' }).default('00108'),
  trackingPushAt: z.enum(['waybill_printed', 'inbound_scanned', 'whichever_first']).default('whichever_first'),
  safetyStock: z.number().int().min(0).max(1_000_000).default(0),
});

type Shape = typeof connectionOptionsSchema.shape;
/**
 * A change of some options. Not `.partial()`: zod fills an absent field's default even inside
 * `.optional()`, so a change naming one option would reset every other one to its default.
 */
export const connectionOptionChangesSchema = z.object(
  Object.fromEntries(Object.entries(connectionOptionsSchema.shape).map(([key, field]) => [key, field.unwrap().optional()])) as {
    [K in keyof Shape]: z.ZodOptional<ReturnType<Shape[K]['unwrap']>>;
  },
);
export type { ConnectionOptions, ConnectionTest, NetworkFailure, TestResultCode } from './api.ts';
// The schema and the JSON type in api.ts must describe the same options.
const optionsMatch: [z.infer<typeof connectionOptionsSchema>, ConnectionOptions] extends [ConnectionOptions, z.infer<typeof connectionOptionsSchema>] ? true : never = true;
void optionsMatch;
export const defaultOptions: ConnectionOptions = connectionOptionsSchema.parse({});

export const testResults = ['OK', 'INVALID_API_KEY', 'IP_NOT_ALLOWED', 'MAINTENANCE', 'TIMEOUT', 'NETWORK_ERROR', 'UNEXPECTED_RESPONSE'] as const satisfies readonly TestResultCode[];

/** `••••3f9a`: enough to recognise a key, never enough to use it. */
export function maskKey(last4: string): string {
  return `••••${last4}`;
}

export function lastFour(apiKey: string): string {
  return apiKey.slice(-4);
}

function errorChain(err: unknown): Array<{ code?: string; message?: string }> {
  const chain: Array<{ code?: string; message?: string }> = [];
  for (let e = err as { code?: string; message?: string; cause?: unknown } | undefined; e && chain.length < 8; e = e.cause as typeof e) {
    chain.push({ code: e.code, message: e.message });
  }
  return chain;
}

function networkFailure(err: unknown): NetworkFailure {
  const codes = errorChain(err).map((e) => e.code ?? '');
  const text = errorChain(err).map((e) => e.message ?? '').join(' ');
  if (codes.some((c) => c === 'ENOTFOUND' || c === 'EAI_AGAIN')) return 'DNS';
  if (codes.includes('ECONNREFUSED')) return 'REFUSED';
  if (codes.some((c) => c.startsWith('ERR_TLS') || c.startsWith('CERT_') || c.includes('SSL') || c === 'DEPTH_ZERO_SELF_SIGNED_CERT' || c === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE') || /certificate|SSL|TLS/i.test(text)) return 'TLS';
  if (codes.some((c) => c === 'ECONNRESET' || c === 'UND_ERR_SOCKET' || c === 'EPIPE')) return 'RESET';
  if (codes.some((c) => c === 'EHOSTUNREACH' || c === 'ENETUNREACH')) return 'UNREACHABLE';
  return 'OTHER';
}

/** Sorts a failed test call into the result a seller can act on. */
export function classifyTestFailure(err: unknown): Pick<ConnectionTest, 'result' | 'network' | 'callerIp' | 'mallCode' | 'mallMessage' | 'excerpt'> {
  if (!(err instanceof MarketplaceError)) return { result: 'UNEXPECTED_RESPONSE', excerpt: String((err as Error)?.message ?? err).slice(0, 200) };
  const mall = { ...(err.mallCode ? { mallCode: err.mallCode } : {}), ...(err.mallMessage ? { mallMessage: err.mallMessage } : {}) };
  switch (err.kind) {
    case 'invalid_api_key':
      return { result: 'INVALID_API_KEY', ...mall };
    case 'ip_not_allowed':
      return { result: 'IP_NOT_ALLOWED', ...mall, ...(err.callerIp ? { callerIp: err.callerIp } : {}) };
    case 'maintenance':
      return { result: 'MAINTENANCE', ...mall };
    case 'transient': {
      if (errorChain(err).some((e) => /timed out|timeout/i.test(e.message ?? '') || e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'ETIMEDOUT')) return { result: 'TIMEOUT' };
      const chain = errorChain(err);
      // A transport failure has a cause; a 5xx or unreadable answer does not.
      if (chain.length > 1) return { result: 'NETWORK_ERROR', network: networkFailure(err) };
      return { result: 'UNEXPECTED_RESPONSE', excerpt: err.message.slice(0, 200), ...mall };
    }
    default:
      return { result: 'UNEXPECTED_RESPONSE', excerpt: (err.mallMessage ?? err.message).slice(0, 200), ...mall };
  }
}
