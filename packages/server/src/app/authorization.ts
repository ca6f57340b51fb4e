import { DomainError } from '../domain/errors.js';
import type { Executor } from '../store/database.js';
import type { AuditEvent } from '../store/repositories/audit.js';
import type { Caller } from './caller.js';

/** Records an administrative action in the action's transaction (EnrollmentService.audit). */
export type AuditRecorder = (db: Executor, event: Omit<AuditEvent, 'id' | 'at'>) => Promise<void>;

/** Enrollment administration (spaces, network policies) is for enrollment administrators. */
export function requireAdministrator(caller: Caller): void {
  if (!caller.isAdmin) {
    throw new DomainError(
      'AccessDenied',
      'AdministratorOnly',
      'this operation needs an enrollment administrator',
    );
  }
}
