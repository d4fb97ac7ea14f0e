/* eslint-disable @typescript-eslint/no-explicit-any -- parsed XML and JSON bodies are checked by the assertions that read them */
// Small helpers for the sandbox tests: raw HTTP over loopback, KST stamps, namespace-agnostic XML.
import iconv from 'iconv-lite';
import { XMLParser } from 'fast-xml-parser';
import { type SandboxOptions, startSandbox } from '../../src/sandbox/elevenst/server.ts';

export type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

export async function sandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  return startSandbox({ port: 0, ...opts });
}

export interface RawAnswer {
  status: number;
  bytes: Buffer;
  text: string;
}

/** Calls an OpenAPI path with the key (or another header value) and decodes CP949 like a real client. */
export async function call(sb: Sandbox, path: string, init: { key?: string | null; method?: string; body?: string | Buffer; signal?: AbortSignal } = {}): Promise<RawAnswer> {
  const headers: Record<string, string> = {};
  const key = init.key === undefined ? sb.apiKey : init.key;
  if (key !== null) headers.openapikey = key;
  if (init.body !== undefined) headers['content-type'] = 'text/xml; charset=UTF-8';
  const res = await fetch(sb.url + path, { method: init.method ?? 'GET', headers, body: init.body, signal: init.signal });
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, bytes, text: iconv.decode(bytes, 'cp949') };
}

export async function control<T = any>(sb: Sandbox, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(sb.url + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** `YYYYMMDDhhmm` in KST for a moment `offsetMs` from now. */
export function kst(offsetMs = 0, base = Date.now()): string {
  return new Date(base + offsetMs + 9 * 3600_000).toISOString().replace(/\D/g, '').slice(0, 12);
}

export const HOUR = 3600_000;
export const DAY = 24 * HOUR;

/** The last 7 days up to one hour from now, as a path suffix. */
export function lastWeek(): string {
  return `${kst(-7 * DAY + HOUR)}/${kst(HOUR)}`;
}

const parser = new XMLParser({ parseTagValue: false, removeNSPrefix: true, ignoreAttributes: true, isArray: (name) => name === 'order' || name === 'ProductStock' || name === 'product' });

/** Namespace-agnostic parse with every value kept as text. */
export function xml(text: string): any {
  return parser.parse(text);
}

export function rows(text: string): Record<string, string>[] {
  return (xml(text).orders?.order ?? []) as Record<string, string>[];
}

export function resultCode(text: string): string | undefined {
  const doc = xml(text);
  return doc.orders?.result_code ?? doc.ResultOrder?.result_code ?? doc.ClientMessage?.resultCode ?? doc.AuthMessage?.resultCode;
}

export function resultText(text: string): string | undefined {
  const doc = xml(text);
  return doc.orders?.result_text ?? doc.ResultOrder?.result_text ?? doc.ClientMessage?.message ?? doc.AuthMessage?.resultMessage;
}

export interface CreatedOrder {
  ordNo: string;
  lines: { ordPrdSeq: string; dlvNo: string; prdNo: string; prdStckNo: string; addPrdYn: string; addPrdNo: string; status: string }[];
}

export async function createOrders(sb: Sandbox, orders: unknown[], apiKey = sb.apiKey): Promise<CreatedOrder[]> {
  const res = await control<{ orders: CreatedOrder[] }>(sb, 'POST', '/__sandbox/orders', { apiKey, orders });
  if (res.status !== 200) throw new Error(`creating orders failed: ${JSON.stringify(res.body)}`);
  return res.body.orders;
}

export async function lineState(sb: Sandbox, ordNo: string, ordPrdSeq: string) {
  const state = await control(sb, 'GET', '/__sandbox/state');
  return state.body.lines.find((l: any) => l.ordNo === ordNo && l.ordPrdSeq === ordPrdSeq);
}
