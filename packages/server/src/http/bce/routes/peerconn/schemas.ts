import { type Static, Type } from '@sinclair/typebox';
import type { BillingInput } from '../../../../domain/peerconn/billing.js';

/** Billing as every SDK sends it: Go may omit either part, Python sends a reservation even for Postpaid. */
export const BillingSchema = Type.Object({
  paymentTiming: Type.Optional(Type.String()),
  billingMethod: Type.Optional(Type.String()),
  reservation: Type.Optional(
    Type.Union([
      Type.Null(),
      Type.Object({
        reservationLength: Type.Optional(Type.Integer()),
        reservationTimeUnit: Type.Optional(Type.String()),
      }),
    ]),
  ),
});

/** `reservation: null` means none. */
export function normalizeBilling(
  billing: Static<typeof BillingSchema> | undefined,
): BillingInput | undefined {
  if (!billing) return undefined;
  const { reservation, paymentTiming } = billing;
  return {
    ...(paymentTiming !== undefined ? { paymentTiming } : {}),
    ...(reservation ? { reservation } : {}),
  };
}
