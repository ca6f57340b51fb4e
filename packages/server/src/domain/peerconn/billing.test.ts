import { describe, expect, it } from 'vitest';
import { domainRefusal, refused } from '../../testing/domain-errors.js';
import {
  addMonths,
  type BillingInput,
  parseBilling,
  parsePaymentTiming,
  parseReservation,
  RESERVATION_MONTHS,
} from './billing.js';

describe('parsePaymentTiming', () => {
  it.each(['Prepaid', 'prepaid', 'PREPAID'])('reads %s as Prepaid', (text) => {
    expect(parsePaymentTiming(text)).toBe('Prepaid');
  });

  it.each(['Postpaid', 'postpaid', 'POSTPAID'])('reads %s as Postpaid', (text) => {
    expect(parsePaymentTiming(text)).toBe('Postpaid');
  });

  it.each([undefined, '', 'PostPay', 'monthly', 'Prepaid '])('refuses %j', (text) => {
    expect(domainRefusal(() => parsePaymentTiming(text))).toEqual(
      refused('BadRequest', 'InvalidPaymentTiming'),
    );
  });
});

describe('parseReservation', () => {
  it('allows 1-9, 12, 24 and 36 months', () => {
    expect([...RESERVATION_MONTHS]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 24, 36]);
  });

  it.each(RESERVATION_MONTHS)('accepts %i months', (months) => {
    expect(parseReservation({ reservationLength: months, reservationTimeUnit: 'Month' })).toBe(months);
  });

  it.each(['Month', 'month', 'MONTH'])('compares the unit %s case-insensitively', (unit) => {
    expect(parseReservation({ reservationLength: 3, reservationTimeUnit: unit })).toBe(3);
  });

  it('defaults the unit to Month', () => {
    expect(parseReservation({ reservationLength: 12 })).toBe(12);
  });

  it.each([0, -1, 10, 11, 13, 18, 48, 1.5])('refuses a length of %s months', (months) => {
    expect(
      domainRefusal(() => parseReservation({ reservationLength: months, reservationTimeUnit: 'Month' })),
    ).toEqual(refused('BadRequest', 'InvalidReservationLength'));
  });

  it.each(['Year', 'Day', 'months', ''])('refuses the unit %j', (unit) => {
    expect(
      domainRefusal(() => parseReservation({ reservationLength: 1, reservationTimeUnit: unit })),
    ).toEqual(refused('BadRequest', 'InvalidReservationUnit'));
  });

  it('requires a reservation with a length', () => {
    expect(domainRefusal(() => parseReservation(undefined))).toEqual(
      refused('BadRequest', 'ReservationRequired'),
    );
    expect(domainRefusal(() => parseReservation({ reservationTimeUnit: 'Month' }))).toEqual(
      refused('BadRequest', 'ReservationRequired'),
    );
  });
});

describe('parseBilling', () => {
  it('requires billing', () => {
    expect(domainRefusal(() => parseBilling(undefined))).toEqual(refused('BadRequest', 'BillingRequired'));
  });

  it('requires billing when the Go SDK sends "billing": null', () => {
    const body = JSON.parse('{"billing": null}') as { billing: BillingInput | undefined };
    expect(domainRefusal(() => parseBilling(body.billing))).toEqual(refused('BadRequest', 'BillingRequired'));
  });

  it('requires a payment timing', () => {
    expect(domainRefusal(() => parseBilling({}))).toEqual(refused('BadRequest', 'InvalidPaymentTiming'));
  });

  it('reads Postpaid without a reservation', () => {
    expect(parseBilling({ paymentTiming: 'Postpaid' })).toEqual({
      paymentTiming: 'Postpaid',
      reservationMonths: null,
    });
  });

  it('ignores the reservation the Python SDK always sends with Postpaid', () => {
    expect(
      parseBilling({
        paymentTiming: 'Postpaid',
        reservation: { reservationLength: 1, reservationTimeUnit: 'Month' },
      }),
    ).toEqual({ paymentTiming: 'Postpaid', reservationMonths: null });
  });

  it('ignores even an invalid reservation with Postpaid', () => {
    expect(
      parseBilling({
        paymentTiming: 'postpaid',
        reservation: { reservationLength: 99, reservationTimeUnit: 'Year' },
      }),
    ).toEqual({ paymentTiming: 'Postpaid', reservationMonths: null });
  });

  it('reads Prepaid with its reservation, in either spelling of the unit', () => {
    expect(
      parseBilling({
        paymentTiming: 'Prepaid',
        reservation: { reservationLength: 24, reservationTimeUnit: 'Month' },
      }),
    ).toEqual({ paymentTiming: 'Prepaid', reservationMonths: 24 });
    expect(
      parseBilling({
        paymentTiming: 'prepaid',
        reservation: { reservationLength: 6, reservationTimeUnit: 'month' },
      }),
    ).toEqual({ paymentTiming: 'Prepaid', reservationMonths: 6 });
  });

  it('requires a valid reservation with Prepaid', () => {
    expect(domainRefusal(() => parseBilling({ paymentTiming: 'Prepaid' }))).toEqual(
      refused('BadRequest', 'ReservationRequired'),
    );
    expect(
      domainRefusal(() => parseBilling({ paymentTiming: 'Prepaid', reservation: { reservationLength: 10 } })),
    ).toEqual(refused('BadRequest', 'InvalidReservationLength'));
    expect(
      domainRefusal(() =>
        parseBilling({
          paymentTiming: 'Prepaid',
          reservation: { reservationLength: 1, reservationTimeUnit: 'Year' },
        }),
      ),
    ).toEqual(refused('BadRequest', 'InvalidReservationUnit'));
  });
});

describe('addMonths', () => {
  const at = (y: number, m: number, d: number, h = 0, min = 0, s = 0, ms = 0) =>
    Date.UTC(y, m - 1, d, h, min, s, ms);

  it('moves to the same day and time of a later month', () => {
    expect(addMonths(at(2024, 1, 15, 8, 30, 5, 250), 1)).toBe(at(2024, 2, 15, 8, 30, 5, 250));
    expect(addMonths(at(2024, 1, 15), 9)).toBe(at(2024, 10, 15));
  });

  it('changes nothing for zero months', () => {
    expect(addMonths(at(2024, 5, 31, 23, 59), 0)).toBe(at(2024, 5, 31, 23, 59));
  });

  it('crosses into the next year', () => {
    expect(addMonths(at(2024, 12, 15), 1)).toBe(at(2025, 1, 15));
    expect(addMonths(at(2024, 3, 1), 12)).toBe(at(2025, 3, 1));
    expect(addMonths(at(2024, 3, 1), 24)).toBe(at(2026, 3, 1));
    expect(addMonths(at(2024, 11, 20), 36)).toBe(at(2027, 11, 20));
  });

  it('clamps the day to the length of the target month', () => {
    expect(addMonths(at(2024, 1, 31), 1)).toBe(at(2024, 2, 29));
    expect(addMonths(at(2023, 1, 31), 1)).toBe(at(2023, 2, 28));
    expect(addMonths(at(2024, 1, 31), 3)).toBe(at(2024, 4, 30));
    expect(addMonths(at(2024, 3, 31, 12), 1)).toBe(at(2024, 4, 30, 12));
    expect(addMonths(at(2024, 2, 29), 12)).toBe(at(2025, 2, 28));
  });

  it('does not carry a clamped day into later additions', () => {
    expect(addMonths(at(2024, 1, 31), 2)).toBe(at(2024, 3, 31));
  });
});
