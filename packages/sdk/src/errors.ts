/** An error answered by a BCE-compatible endpoint (`/v1/…`): `{code, message, requestId}`. */
export class BceServiceError extends Error {
  override name = 'BceServiceError';
  constructor(
    /** BCE error code, e.g. `NoSuchObject`, `OperationDenied`, `SignatureDoesNotMatch`. */
    readonly code: string,
    message: string,
    /** HTTP status. */
    readonly statusCode: number,
    /** The server's request id (`x-bce-request-id`), for support and logs. */
    readonly requestId: string,
    /** Peerlink's specific reason within the code family, when the server gives one. */
    readonly reason?: string,
    /** Seconds the server asked to wait before trying again (`Retry-After` of a 429 or 503). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** An RFC 9457 problem answered by the Peerlink API (`/api/v1/…`). */
export class PeerlinkApiError extends Error {
  override name = 'PeerlinkApiError';
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode: number,
    readonly requestId: string,
    readonly reason?: string,
    /**
     * Seconds the server asked to wait before trying again (`Retry-After`): a throttled login
     * (429, reason `LoginThrottled`) or a busy server (503).
     */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** No answer came back: the server could not be reached, or every attempt timed out. */
export class NetworkError extends Error {
  override name = 'NetworkError';
  constructor(
    message: string,
    /** How many attempts were made. */
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A waiter gave up: the resource reached a status it cannot leave, or time ran out. */
export class WaiterError extends Error {
  override name = 'WaiterError';
  constructor(
    message: string,
    /** `timeout` or `terminal`. */
    readonly kind: 'timeout' | 'terminal',
    /** The last status seen. */
    readonly lastStatus: string | undefined,
  ) {
    super(message);
  }
}
