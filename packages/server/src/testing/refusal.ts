import { BceServiceError } from '@peerlink/sdk';

/**
 * The BceServiceError a call is refused with; any other outcome fails the test. Give a thunk when
 * the call should start only here (a rejected promise created earlier would be reported unhandled).
 */
export async function refusal(call: Promise<unknown> | (() => Promise<unknown>)): Promise<BceServiceError> {
  const error = await (typeof call === 'function' ? call() : call).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof BceServiceError))
    throw new Error(`expected a BceServiceError, got ${String(error)}`);
  return error;
}
