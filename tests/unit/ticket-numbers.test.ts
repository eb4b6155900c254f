import { describe, expect, it } from 'vitest';
import {
  TICKET_EPOCH_MS,
  TICKET_MAX_LENGTH,
  formatTicketNumber,
  newInstallationId,
  nextStamp,
  stampOfTicketNumber,
} from '../../electron/core/journal/ticket-numbers.ts';
import { MerchantReferenceSchema } from '../../shared/order/payload.ts';
import { SaleRecordSchema } from '../../shared/sale/sale-record.ts';
import { isTicketNumberTaken } from '../../shared/sale/refusal.ts';

// Crockford base32: digits and capitals without I, L, O, U (nothing to confuse when read aloud or typed).
const CROCKFORD = /^[0-9A-HJKMNP-TV-Z]+$/;

describe('ticket number format', () => {
  it('is store-till-installation-stamp, in groups of four a cashier can read aloud', () => {
    const stamp = Date.parse('2026-12-06T10:00:00.000Z') - TICKET_EPOCH_MS;
    const ticket = formatTicketNumber({ storeRef: 'BCN-01', tillId: '03', installationId: '7K3Q', stamp });
    expect(ticket).toMatch(/^BCN-01-03-7K3Q-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(ticket).toHaveLength('BCN-01-03'.length + 15);
  });

  it('uses only unambiguous characters for the installation id', () => {
    for (let i = 0; i < 200; i++) expect(newInstallationId()).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}$/);
  });

  it('fits order_ref_1 and the till records whatever the configured store and till names', () => {
    const longest = formatTicketNumber({
      storeRef: 'S'.repeat(64),
      tillId: 'T'.repeat(16),
      installationId: 'ZZZZ',
      stamp: 32 ** 8 - 1,
    });
    expect(longest.length).toBeLessThanOrEqual(TICKET_MAX_LENGTH);
    expect(longest.endsWith('-ZZZZ-ZZZZ-ZZZZ')).toBe(true);
    expect(MerchantReferenceSchema.parse({ order_ref_1: longest })).toEqual({ order_ref_1: longest });
    expect(SaleRecordSchema.shape.ticketNumber.parse(longest)).toBe(longest);
    // Cut short right at a "-": no doubled separator.
    const cut = formatTicketNumber({
      storeRef: `${'S'.repeat(48)}-X`,
      tillId: '1',
      installationId: 'AAAA',
      stamp: 1,
    });
    expect(cut).toBe(`${'S'.repeat(48)}-AAAA-0000-0001`);
  });

  it('keeps growing and stays unique past the eighth character of the stamp (2059)', () => {
    const base = { storeRef: 'B', tillId: '1', installationId: 'AAAA' };
    const last8 = formatTicketNumber({ ...base, stamp: 32 ** 8 - 1 });
    const first9 = formatTicketNumber({ ...base, stamp: 32 ** 8 });
    expect(last8).toBe('B-1-AAAA-ZZZZ-ZZZZ');
    expect(first9).toBe('B-1-AAAA-1-0000-0000');
    expect(first9.split('-').slice(2).join('')).toMatch(CROCKFORD);
  });

  it('reads the stamp back out of a number, short and long stamps, short and empty store parts', () => {
    const stamps = [0, 1, 32 ** 8 - 1, 32 ** 8, 32 ** 9 + 12_345, Date.parse('2026-12-06T10:00:00Z') - TICKET_EPOCH_MS];
    for (const stamp of stamps)
      for (const [storeRef, tillId] of [
        ['BCN-01', '03'],
        ['A-B', '1'],
        ['', ''],
      ] as const) {
        const ticket = formatTicketNumber({ storeRef, tillId, installationId: '7K3Q', stamp });
        expect(stampOfTicketNumber(ticket), ticket).toBe(stamp);
      }
    expect(stampOfTicketNumber('TIENDA-01-03-000123')).toBeNull();
    expect(stampOfTicketNumber('12')).toBeNull();
  });

  it('never issues a stamp at or below the last one, whatever the clock says', () => {
    const now = Date.parse('2026-12-06T10:00:00.000Z');
    expect(nextStamp(now, 0)).toBe(now - TICKET_EPOCH_MS);
    expect(nextStamp(now, now - TICKET_EPOCH_MS)).toBe(now - TICKET_EPOCH_MS + 1);
    expect(nextStamp(now - 86_400_000, now - TICKET_EPOCH_MS)).toBe(now - TICKET_EPOCH_MS + 1);
    // A clock before 2025 (a dead CMOS battery) still issues above what was issued.
    expect(nextStamp(0, 5)).toBe(6);
  });
});

describe('SeQura says the ticket number is taken', () => {
  it("recognises the sandbox's and SeQura's wording for a reference already used by another order", () => {
    expect(
      isTicketNumberTaken([
        "merchant_reference.order_ref_1 'T-1' is already used by another confirmed order of merchant 'pos_demo_es'",
      ]),
    ).toBe(true);
    expect(isTicketNumberTaken(['order_ref_1 is not unique'])).toBe(true);
    expect(isTicketNumberTaken(['La referencia ya existe para este comercio'])).toBe(true);
  });

  it('does not take other refusals for a clash (a new number would not help)', () => {
    expect(
      isTicketNumberTaken([
        "merchant_reference.order_ref_1 'T-2' differs from 'T-1', already registered for this order",
      ]),
    ).toBe(false);
    expect(isTicketNumberTaken(['The order has not been approved by the shopper yet'])).toBe(false);
    expect(isTicketNumberTaken(['Invalid data: items total does not match order_total_with_tax'])).toBe(false);
    expect(isTicketNumberTaken([])).toBe(false);
  });
});
