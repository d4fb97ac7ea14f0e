// The JSON the connections API answers with: the server builds it, the console reads it.
// Plain types only (no imports with code), so web/ can import them too.
import type { MallId } from '../../marketplaces/types.ts';

export type TrackingPushAt = 'waybill_printed' | 'inbound_scanned' | 'whichever_first';

/** The options of the source guide; the schema with their defaults is in domain.ts. */
export interface ConnectionOptions {
  autoImport: boolean;
  autoConfirm: boolean;
  autoFulfillment: boolean;
  autoStockSync: boolean;
  importIntervalMinutes: number;
  firstImportLookbackDays: number;
  defaultCarrier: string;
  trackingPushAt: TrackingPushAt;
  safetyStock: number;
}

export type TestResultCode = 'OK' | 'INVALID_API_KEY' | 'IP_NOT_ALLOWED' | 'MAINTENANCE' | 'TIMEOUT' | 'NETWORK_ERROR' | 'UNEXPECTED_RESPONSE';
export type NetworkFailure = 'DNS' | 'REFUSED' | 'TLS' | 'RESET' | 'UNREACHABLE' | 'OTHER';

/** What a connection test found, for a person (message, in the user's language) and for scripts (result). */
export interface ConnectionTest {
  result: TestResultCode;
  ok: boolean;
  message: string;
  testedAt: string;
  roundTripMs: number;
  /** The address 11st saw (IP_NOT_ALLOWED) and the hub's addresses to register there. */
  callerIp?: string;
  egressIps?: string[];
  network?: NetworkFailure;
  mallCode?: string;
  mallMessage?: string;
  /** A short piece of an answer the hub could not read. */
  excerpt?: string;
}

export interface Connection {
  id: string;
  mall: MallId;
  name: string;
  shopId: string;
  /** The key is never returned, only `••••` and its last four characters. */
  apiKeyMasked: string;
  apiKeyChangedAt: string;
  baseUrl: string | null;
  enabled: boolean;
  options: ConnectionOptions;
  lastTest: ConnectionTest | null;
  /** The last import run's summary, written by the orders module. */
  lastImport: ImportSummary | null;
  createdAt: string;
  updatedAt: string;
}

/** What the orders module records on a connection when an import run ends. */
export interface ImportSummary {
  runId: string;
  trigger: string;
  status: 'succeeded' | 'failed';
  startedAt: string;
  finishedAt: string;
  fetched: number;
  new: number;
  updated: number;
  unchanged: number;
  failed: number;
  /** Cancel requests and completed cancels read, lines flagged, cancelled, withdrawn. */
  claims: Record<string, number>;
  cursor: string | null;
  error?: string;
}
