// The connections API's shapes: the server's own types (src/modules/connections/api.ts), plus what the
// console needs beside them.
import type { MallId } from '../../../src/marketplaces/types.ts';
import type { ConnectionOptions, TrackingPushAt } from '../../../src/modules/connections/api.ts';

export type { MallId } from '../../../src/marketplaces/types.ts';
export type { Connection, ConnectionOptions, ConnectionTest, NetworkFailure, TestResultCode, TrackingPushAt } from '../../../src/modules/connections/api.ts';

export const malls: readonly MallId[] = ['11st'];

export const trackingPushAtValues: readonly TrackingPushAt[] = ['waybill_printed', 'inbound_scanned', 'whichever_first'];

/** The four switches of the guide, in its order. */
export const switches = ['autoImport', 'autoConfirm', 'autoFulfillment', 'autoStockSync'] as const;
/** Each switch's name in the glossary (catalog key). */
export const switchLabel = { autoImport: 'terms.autoOrderImport', autoConfirm: 'terms.autoOrderConfirmation', autoFulfillment: 'terms.autoShippingInstruction', autoStockSync: 'terms.autoInventorySync' } as const satisfies Record<(typeof switches)[number], string>;

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

export interface EgressIps {
  ips: string[];
  joined: string;
}
