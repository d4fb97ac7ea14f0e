import { describe, expect, it } from 'vitest';
import { canTake, eventForMallStatus, IllegalTransition, initialStatus, nextStatus } from '../../../src/modules/orders/domain.ts';

describe('hub status of an order line', () => {
  it('follows new → confirmed, with cancel requested and cancelled beside it', () => {
    expect(nextStatus('new', 'confirm')).toBe('confirmed');
    expect(nextStatus('new', 'cancelRequested')).toBe('cancel_requested');
    expect(nextStatus('confirmed', 'cancelRequested')).toBe('cancel_requested');
    expect(nextStatus('cancel_requested', 'cancelApproved')).toBe('cancelled');
    expect(nextStatus('cancel_requested', 'cancelCompleted')).toBe('cancelled');
    expect(nextStatus('confirmed', 'saleRefused')).toBe('cancelled');
  });

  it('returns to the status before the claim when a cancel request is withdrawn', () => {
    expect(nextStatus('cancel_requested', 'cancelWithdrawn', 'confirmed')).toBe('confirmed');
    expect(nextStatus('cancel_requested', 'cancelWithdrawn', 'new')).toBe('new');
    expect(nextStatus('cancel_requested', 'cancelWithdrawn', null)).toBe('new');
  });

  it('refuses illegal moves with an error naming the status and the event', () => {
    expect(() => nextStatus('cancel_requested', 'confirm')).toThrow(IllegalTransition);
    expect(() => nextStatus('cancel_requested', 'confirm')).toThrow(/"cancel_requested" cannot take "confirm"/);
    expect(() => nextStatus('cancelled', 'confirm')).toThrow(/"cancelled" cannot take "confirm"/);
    expect(() => nextStatus('confirmed', 'confirm')).toThrow(IllegalTransition);
    try {
      nextStatus('cancelled', 'cancelRequested');
    } catch (err) {
      expect(err).toMatchObject({ status: 409, code: 'ILLEGAL_TRANSITION', details: { status: 'cancelled', event: 'cancelRequested' } });
    }
    expect(canTake('cancelled', 'cancelCompleted')).toBe(false);
  });

  it('starts a line from what the mall says, and reads later mall statuses as events', () => {
    expect(initialStatus('paid', false)).toBe('new');
    expect(initialStatus('preparing', false)).toBe('confirmed');
    expect(initialStatus('paid', true)).toBe('cancel_requested');
    expect(initialStatus('cancelled', true)).toBe('cancelled');
    expect(eventForMallStatus('new', 'preparing')).toBe('confirm');
    expect(eventForMallStatus('new', 'paid')).toBeNull();
    expect(eventForMallStatus('confirmed', 'cancelled')).toBe('cancelCompleted');
    expect(eventForMallStatus('cancelled', 'cancelled')).toBeNull();
  });
});
