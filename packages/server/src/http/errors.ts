import { LoginThrottled } from '../app/login-throttle.js';
import { SemaphoreFull } from '../app/semaphore.js';
import { DomainError, type ErrorKind } from '../domain/errors.js';

/** An error with its wire form decided: status, BCE-style code, message and an optional reason. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly reason?: string,
    /** Headers the answer carries as well (`Retry-After` of a 429 or 503). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const STATUS_OF_KIND: Record<ErrorKind, number> = {
  BadRequest: 400,
  AccessDenied: 403,
  IdempotentParameterMismatch: 403,
  NoSuchObject: 404,
  OperationDenied: 409,
  ResourceNeedRelease: 409,
  CidrConflict: 409,
  LimitExceeded: 413,
};

/** Fastify's own client errors, in BCE terms. */
const FRAMEWORK_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    code: 'InvalidHTTPRequest',
    message: 'request body is too large',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    code: 'InvalidHTTPRequest',
    message: 'Content-Length does not match the body',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 400,
    code: 'InvalidHTTPRequest',
    message: 'unsupported Content-Type',
  },
  FST_ERR_BAD_URL: { status: 400, code: 'InvalidURI', message: 'the request URI is not valid' },
  FST_ERR_ASYNC_CONSTRAINT: { status: 400, code: 'InvalidURI', message: 'the request URI is not valid' },
};

/**
 * Database conflicts with concurrent requests (serialization failure, deadlock, SQLite busy) that
 * were still there after every retry of the transaction (store/transact.ts): nothing is broken and
 * nothing was written, so the answer says to retry (503 is what the BCE SDKs retry).
 */
const CONFLICT_CODES = new Set([
  '40001',
  '40P01',
  '23505',
  'SQLITE_BUSY',
  'SQLITE_CONSTRAINT_UNIQUE',
  'SQLITE_CONSTRAINT_PRIMARYKEY',
]);

/** Turns anything thrown while serving a request into its wire form; unknown errors are 500s. */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof DomainError)
    return new HttpError(STATUS_OF_KIND[error.kind], error.kind, error.message, error.reason);
  // Refused before the password was even checked (app/login-throttle.ts).
  if (error instanceof LoginThrottled)
    return new HttpError(429, 'TooManyRequests', error.message, 'LoginThrottled', {
      'retry-after': String(error.retryAfterSeconds),
    });
  // Password hashing is saturated (app/passwords.ts): nothing was done, come back shortly.
  if (error instanceof SemaphoreFull)
    return new HttpError(503, 'ServiceUnavailable', error.message, 'HashingBusy', {
      'retry-after': String(error.retryAfterSeconds),
    });
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && CONFLICT_CODES.has(code)) {
    return new HttpError(
      503,
      'ServiceUnavailable',
      'the request kept conflicting with concurrent requests and was not applied; retry it',
      'ConcurrentUpdateConflict',
    );
  }
  if (typeof code === 'string' && FRAMEWORK_ERRORS[code]) {
    const known = FRAMEWORK_ERRORS[code]!;
    return new HttpError(known.status, known.code, known.message);
  }
  const status = (error as { statusCode?: unknown }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new HttpError(status, 'InvalidHTTPRequest', (error as Error).message);
  }
  return new HttpError(500, 'InternalError', 'the server failed to handle the request; it has been logged');
}
