import { type ClientConfig, SignedTransport } from '../transport.js';

export interface NewCredentials {
  accountId: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** This deployment as its peers see it. */
export interface EnrollmentInfo {
  enrollmentId: string;
  /** Ed25519 public key, raw, base64url. */
  publicKey: string;
  /** Null until an administrator sets it; required before any peer request. */
  platformTitle: string | null;
  createdAt: string;
}

/** One administrative action: who did what to which target, when. */
export interface AuditEvent {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string;
  detail?: string;
}

export interface Account {
  accountId: string;
  name: string;
  isAdmin: boolean;
  createdAt: string;
}

/** Peerlink's own API (`/api/v1`): administration now, Peer Manager and data as they arrive. */
export class PeerlinkClient {
  private readonly transport: SignedTransport;

  constructor(config: ClientConfig) {
    this.transport = new SignedTransport(config);
  }

  whoami(): Promise<{ accountId: string; isAdmin: boolean; region: string }> {
    return this.transport.send('GET', '/api/v1/whoami');
  }

  getEnrollment(): Promise<EnrollmentInfo> {
    return this.transport.send('GET', '/api/v1/enrollment');
  }

  /** Administrators only. */
  setPlatformTitle(platformTitle: string): Promise<EnrollmentInfo> {
    return this.transport.send('PUT', '/api/v1/enrollment', { body: { platformTitle } });
  }

  /** Administrators only: newest first. */
  listAuditEvents(args: { marker?: string; maxKeys?: number } = {}): Promise<{
    events: AuditEvent[];
    isTruncated: boolean;
    nextMarker?: string;
  }> {
    return this.transport.send('GET', '/api/v1/audit', { query: args });
  }

  /** Administrators only. The secret access key is shown in this answer and never again. */
  createAccount(args: { name?: string; admin?: boolean } = {}): Promise<NewCredentials> {
    return this.transport.send('POST', '/api/v1/accounts', { body: args });
  }

  listAccounts(args: { marker?: string; maxKeys?: number } = {}): Promise<{
    accounts: Account[];
    isTruncated: boolean;
    nextMarker?: string;
  }> {
    return this.transport.send('GET', '/api/v1/accounts', { query: args });
  }

  getAccount(accountId: string): Promise<Account> {
    return this.transport.send('GET', `/api/v1/accounts/${encodeURIComponent(accountId)}`);
  }

  listAccessKeys(accountId: string): Promise<{ keys: { accessKeyId: string; createdAt: string }[] }> {
    return this.transport.send('GET', `/api/v1/accounts/${encodeURIComponent(accountId)}/keys`);
  }

  createAccessKey(accountId: string): Promise<NewCredentials> {
    return this.transport.send('POST', `/api/v1/accounts/${encodeURIComponent(accountId)}/keys`);
  }

  deleteAccessKey(accountId: string, accessKeyId: string): Promise<void> {
    return this.transport.send(
      'DELETE',
      `/api/v1/accounts/${encodeURIComponent(accountId)}/keys/${encodeURIComponent(accessKeyId)}`,
    );
  }
}
