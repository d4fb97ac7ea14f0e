import { AppError } from '../../platform/http/errors.ts';
import type { MallLineStatus } from '../../marketplaces/types.ts';
import type { LineStatus } from './api.ts';

/**
 * A line's status in the hub. Later issues add instructed, labelled, shipped and delivered between
 * confirmed and the end; cancel_requested and cancelled stand beside the main path.
 */
export const lineStatuses = ['new', 'confirmed', 'cancel_requested', 'cancelled'] as const satisfies readonly LineStatus[];
export type { LineStatus } from './api.ts';

export const lineEvents = ['confirm', 'cancelRequested', 'cancelWithdrawn', 'cancelApproved', 'cancelCompleted', 'saleRefused'] as const;
export type LineEvent = (typeof lineEvents)[number];

/** 'previous' returns to the status the line had before the claim (kept in status_before_claim). */
const transitions = {
  new: { confirm: 'confirmed', cancelRequested: 'cancel_requested', cancelCompleted: 'cancelled', saleRefused: 'cancelled' },
  confirmed: { cancelRequested: 'cancel_requested', cancelCompleted: 'cancelled', saleRefused: 'cancelled' },
  cancel_requested: { cancelApproved: 'cancelled', cancelCompleted: 'cancelled', cancelWithdrawn: 'previous' },
  cancelled: {},
} as const satisfies Record<LineStatus, Partial<Record<LineEvent, LineStatus | 'previous'>>>;

export class IllegalTransition extends AppError {
  constructor(
    readonly from: LineStatus,
    readonly event: LineEvent,
  ) {
    super('ILLEGAL_TRANSITION', 409, `A line in status "${from}" cannot take "${event}".`, { status: from, event }, 'orders.errors.illegalTransition');
    this.name = 'IllegalTransition';
  }
}

/** The status after `event`; throws IllegalTransition when the table has no such move. */
export function nextStatus(from: LineStatus, event: LineEvent, previous?: LineStatus | null): LineStatus {
  const to = (transitions[from] as Partial<Record<LineEvent, LineStatus | 'previous'>>)[event];
  if (to === undefined) throw new IllegalTransition(from, event);
  if (to === 'previous') return previous && previous !== 'cancel_requested' ? previous : 'new';
  return to;
}

export function canTake(from: LineStatus, event: LineEvent): boolean {
  return (transitions[from] as Partial<Record<LineEvent, unknown>>)[event] !== undefined;
}

/** The hub status a line starts with, from what the mall says about it. */
export function initialStatus(mallStatus: MallLineStatus, cancelPending: boolean): LineStatus {
  if (mallStatus === 'cancelled') return 'cancelled';
  if (cancelPending) return 'cancel_requested';
  return mallStatus === 'paid' ? 'new' : 'confirmed';
}

/**
 * The event a change of the mall's status means for a line already stored, or null when nothing
 * follows from it (e.g. 202 → 202, or a status later issues handle).
 */
export function eventForMallStatus(current: LineStatus, mallStatus: MallLineStatus): LineEvent | null {
  if (mallStatus === 'cancelled') return canTake(current, 'cancelCompleted') ? 'cancelCompleted' : null;
  if (mallStatus !== 'paid' && mallStatus !== 'unknown' && current === 'new') return 'confirm';
  return null;
}

/** 11st's sale-refusal reasons, in the hub's words (the adapter maps them to codes). */
export const saleRefusalReasons = ['delivery_delay', 'wrong_product_info', 'sold_out', 'option_sold_out', 'buyer_changed_option', 'buyer_wrong_product', 'buyer_no_longer_wants', 'other'] as const;
