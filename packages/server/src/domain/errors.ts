/**
 * The families of refusal the domain can answer. Each maps to one BCE error code and HTTP status
 * at the edge; `reason` is the stable, specific code a client can branch on.
 */
export type ErrorKind =
  | 'BadRequest'
  | 'NoSuchObject'
  | 'OperationDenied'
  | 'LimitExceeded'
  | 'ResourceNeedRelease'
  | 'CidrConflict'
  | 'IdempotentParameterMismatch'
  | 'AccessDenied';

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const badRequest = (reason: string, message: string) => new DomainError('BadRequest', reason, message);
export const noSuchObject = (reason: string, message: string) =>
  new DomainError('NoSuchObject', reason, message);
export const operationDenied = (reason: string, message: string) =>
  new DomainError('OperationDenied', reason, message);
export const limitExceeded = (reason: string, message: string) =>
  new DomainError('LimitExceeded', reason, message);
