import { badRequest } from '../errors.js';
import type { PaymentTiming } from './model.js';

/** Reservation lengths the SDKs and Terraform allow, in months. */
export const RESERVATION_MONTHS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 24, 36] as const;

export interface BillingInput {
  paymentTiming?: string;
  reservation?: { reservationLength?: number; reservationTimeUnit?: string };
}

export interface Billing {
  paymentTiming: PaymentTiming;
  reservationMonths: number | null;
}

export function parsePaymentTiming(text: string | undefined): PaymentTiming {
  const normalized = text?.toLowerCase();
  if (normalized === 'prepaid') return 'Prepaid';
  if (normalized === 'postpaid') return 'Postpaid';
  throw badRequest('InvalidPaymentTiming', 'billing.paymentTiming must be Prepaid or Postpaid');
}

/** The months of a reservation: a length of the allowed set, in months (`Month` or `month`). */
export function parseReservation(reservation: BillingInput['reservation']): number {
  if (!reservation || reservation.reservationLength === undefined) {
    throw badRequest('ReservationRequired', 'billing.reservation.reservationLength is required for Prepaid');
  }
  const unit = reservation.reservationTimeUnit ?? 'Month';
  if (unit.toLowerCase() !== 'month') {
    throw badRequest('InvalidReservationUnit', 'billing.reservation.reservationTimeUnit must be Month');
  }
  const months = reservation.reservationLength;
  if (!(RESERVATION_MONTHS as readonly number[]).includes(months)) {
    throw badRequest(
      'InvalidReservationLength',
      `billing.reservation.reservationLength must be one of ${RESERVATION_MONTHS.join(', ')}`,
    );
  }
  return months;
}

/** Postpaid ignores any reservation (the Python SDK always sends one). */
export function parseBilling(input: BillingInput | undefined): Billing {
  if (!input)
    throw badRequest(
      'BillingRequired',
      'billing is required: {"paymentTiming": "Postpaid"} or Prepaid with a reservation',
    );
  const paymentTiming = parsePaymentTiming(input.paymentTiming);
  return {
    paymentTiming,
    reservationMonths: paymentTiming === 'Prepaid' ? parseReservation(input.reservation) : null,
  };
}

/** Calendar months later, in UTC; the day is clamped to the target month's length. */
export function addMonths(ms: number, months: number): number {
  const date = new Date(ms);
  const day = date.getUTCDate();
  date.setUTCDate(1);
  date.setUTCMonth(date.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  date.setUTCDate(Math.min(day, lastDay));
  return date.getTime();
}
