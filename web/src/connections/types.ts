// The connections API's shapes (src/modules/connections/routes.ts, docs/connections.md).

export type MallId = '11st';
export const malls: readonly MallId[] = ['11st'];

export type TrackingPushAt = 'waybill_printed' | 'inbound_scanned' | 'whichever_first';
export const trackingPushAtValues: readonly TrackingPushAt[] = ['waybill_printed', 'inbound_scanned', 'whichever_first'];

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

/** The four switches of the guide, in its order. */
export const switches = ['autoImport', 'autoConfirm', 'autoFulfillment', 'autoStockSync'] as const;
export type Switch = (typeof switches)[number];

/** The guide's defaults; the server applies the same ones (src/modules/connections/domain.ts). */
export const defaultOptions: ConnectionOptions = {
  autoImport: true,
  autoConfirm: false,
  autoFulfillment: false,
  autoStockSync: false,
  importIntervalMinutes: 5,
  firstImportLookbackDays: 7,
  defaultCarrier: '00108',
  trackingPushAt: 'whichever_first',
  safetyStock: 0,
};

export type TestResultCode = 'OK' | 'INVALID_API_KEY' | 'IP_NOT_ALLOWED' | 'MAINTENANCE' | 'TIMEOUT' | 'NETWORK_ERROR' | 'UNEXPECTED_RESPONSE';
export type NetworkFailure = 'DNS' | 'REFUSED' | 'TLS' | 'RESET' | 'UNREACHABLE' | 'OTHER';

export interface ConnectionTest {
  result: TestResultCode;
  ok: boolean;
  /** Already in the user's language. */
  message: string;
  testedAt: string;
  roundTripMs: number;
  callerIp?: string;
  egressIps?: string[];
  network?: NetworkFailure;
  mallCode?: string;
  mallMessage?: string;
  excerpt?: string;
}

export interface Connection {
  id: string;
  mall: MallId;
  name: string;
  shopId: string;
  apiKeyMasked: string;
  apiKeyChangedAt: string;
  baseUrl: string | null;
  enabled: boolean;
  options: ConnectionOptions;
  lastTest: ConnectionTest | null;
  /** Written by the orders module's import runs; read defensively. */
  lastImport: Record<string, unknown> | null;
  createdAt: string;
  updatedAt: string;
}

export interface EgressIps {
  ips: string[];
  joined: string;
}
