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

/** A local user (console and API logins). */
export interface User {
  userId: string;
  username: string;
  isAdmin: boolean;
  createdAt: string;
}

/** A new user; `password` only when the server generated it (shown once). */
export interface CreatedUser extends User {
  password?: string;
}

export interface LoginResult {
  user: User;
  /** When the session ends (12 hours after the login). */
  expiresAt: string;
}

/** A bearer token as listed: the token itself is shown only when it is created. */
export interface TokenInfo {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface NewToken {
  id: string;
  name: string;
  /** `plk_…`: shown in this answer and never again. */
  token: string;
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

  /**
   * Logs in as a user: the client then calls as that user (session cookie) until `logout`. A
   * wrong username or password answers 401 (`PeerlinkApiError`), the same for both. After too many
   * failures the server answers 429 (reason `LoginThrottled`, `retryAfterSeconds` says how long to
   * wait); the client never repeats a login by itself (a write without a clientToken), so a
   * throttled login is reported at once rather than retried into a longer wait.
   */
  login(username: string, password: string): Promise<LoginResult> {
    return this.transport.send('POST', '/api/v1/sessions', { body: { username, password } });
  }

  /** Ends this client's session (if any) and forgets it. */
  logout(): Promise<void> {
    return this.transport.send('DELETE', '/api/v1/sessions/current');
  }

  /** The calling user (a user's session or token; an account's AK/SK answers 400 CallerIsAccount). */
  me(): Promise<User> {
    return this.transport.send('GET', '/api/v1/users/me');
  }

  /** Administrators only. Without a password one is generated and answered once. */
  createUser(args: { username: string; password?: string; admin?: boolean }): Promise<CreatedUser> {
    return this.transport.send('POST', '/api/v1/users', { body: args });
  }

  /** Administrators only. */
  listUsers(args: { marker?: string; maxKeys?: number } = {}): Promise<{
    users: User[];
    isTruncated: boolean;
    nextMarker?: string;
  }> {
    return this.transport.send('GET', '/api/v1/users', { query: args });
  }

  /** Administrators, or the user themselves. */
  getUser(userId: string): Promise<User> {
    return this.transport.send('GET', `/api/v1/users/${encodeURIComponent(userId)}`);
  }

  /** Administrators only; not oneself, not the last administrator. */
  deleteUser(userId: string): Promise<void> {
    return this.transport.send('DELETE', `/api/v1/users/${encodeURIComponent(userId)}`);
  }

  /** Administrators set anyone's password; users set their own with `currentPassword`. */
  setPassword(userId: string, args: { password: string; currentPassword?: string }): Promise<void> {
    return this.transport.send('PUT', `/api/v1/users/${encodeURIComponent(userId)}/password`, { body: args });
  }

  /** A bearer token for the calling user; the token is in this answer only. */
  createToken(name: string): Promise<NewToken> {
    return this.transport.send('POST', '/api/v1/tokens', { body: { name } });
  }

  /** The calling user's tokens. */
  listTokens(): Promise<{ tokens: TokenInfo[] }> {
    return this.transport.send('GET', '/api/v1/tokens');
  }

  revokeToken(tokenId: string): Promise<void> {
    return this.transport.send('DELETE', `/api/v1/tokens/${encodeURIComponent(tokenId)}`);
  }

  // Spaces and network policies (Peer Manager).

  /** Administrators only; the caller and everyone in `managers` manage the new space. */
  createSpace(args: { name: string; description?: string; managers?: string[] }): Promise<Space> {
    return this.transport.send('POST', '/api/v1/spaces', { body: args });
  }

  /** Administrators see every space; anyone else the spaces they manage. */
  listSpaces(args: { marker?: string; maxKeys?: number } = {}): Promise<{
    spaces: Space[];
    isTruncated: boolean;
    nextMarker?: string;
  }> {
    return this.transport.send('GET', '/api/v1/spaces', { query: args });
  }

  /** Administrators and the space's managers. */
  getSpace(spaceId: string): Promise<Space> {
    return this.transport.send('GET', `/api/v1/spaces/${encodeURIComponent(spaceId)}`);
  }

  /** Administrators and the space's managers. */
  updateSpace(spaceId: string, args: { name?: string; description?: string }): Promise<Space> {
    return this.transport.send('PATCH', `/api/v1/spaces/${encodeURIComponent(spaceId)}`, { body: args });
  }

  /** Administrators only; refused while something still uses the space. */
  deleteSpace(spaceId: string): Promise<void> {
    return this.transport.send('DELETE', `/api/v1/spaces/${encodeURIComponent(spaceId)}`);
  }

  /** Administrators and the space's managers; `principalId` is an account id or a user id. */
  addSpaceManager(spaceId: string, principalId: string): Promise<Space> {
    return this.transport.send(
      'PUT',
      `/api/v1/spaces/${encodeURIComponent(spaceId)}/managers/${encodeURIComponent(principalId)}`,
    );
  }

  /** Administrators and the space's managers; a space keeps at least one manager. */
  removeSpaceManager(spaceId: string, principalId: string): Promise<Space> {
    return this.transport.send(
      'DELETE',
      `/api/v1/spaces/${encodeURIComponent(spaceId)}/managers/${encodeURIComponent(principalId)}`,
    );
  }

  /** Administrators only. */
  listIngressRules(args: { marker?: string; maxKeys?: number } = {}): Promise<PolicyRulePage<IngressRule>> {
    return this.transport.send('GET', '/api/v1/policies/ingress', { query: args });
  }

  /** Administrators only; exactly one of `cidr`, `enrollmentId`, `country`. */
  addIngressRule(args: NewIngressRule): Promise<IngressRule> {
    return this.transport.send('POST', '/api/v1/policies/ingress', { body: args });
  }

  removeIngressRule(ruleId: string): Promise<void> {
    return this.transport.send('DELETE', `/api/v1/policies/ingress/${encodeURIComponent(ruleId)}`);
  }

  /** Administrators only. */
  listEgressRules(args: { marker?: string; maxKeys?: number } = {}): Promise<PolicyRulePage<EgressRule>> {
    return this.transport.send('GET', '/api/v1/policies/egress', { query: args });
  }

  /** Administrators only; exactly one of `destination`, `enrollmentId`. */
  addEgressRule(args: NewEgressRule): Promise<EgressRule> {
    return this.transport.send('POST', '/api/v1/policies/egress', { body: args });
  }

  removeEgressRule(ruleId: string): Promise<void> {
    return this.transport.send('DELETE', `/api/v1/policies/egress/${encodeURIComponent(ruleId)}`);
  }
}

/** A space: the container a Peer Manager connection joins on each side. */
export interface Space {
  spaceId: string;
  name: string;
  description: string;
  /** Account ids and user ids, sorted; never empty. */
  managers: string[];
  createdAt: string;
}

/** One entry of the ingress allow-list: exactly one of `cidr`, `enrollmentId`, `country` is set. */
export interface IngressRule {
  ruleId: string;
  cidr: string | null;
  enrollmentId: string | null;
  /** ISO 3166-1 alpha-2. */
  country: string | null;
  description: string;
  createdAt: string;
}

/** One allowed egress destination: exactly one of `destination` (domain, IPv4 or CIDR), `enrollmentId`. */
export interface EgressRule {
  ruleId: string;
  destination: string | null;
  enrollmentId: string | null;
  description: string;
  createdAt: string;
}

export interface NewIngressRule {
  cidr?: string;
  enrollmentId?: string;
  country?: string;
  description?: string;
}

export interface NewEgressRule {
  destination?: string;
  enrollmentId?: string;
  description?: string;
}

export interface PolicyRulePage<Rule> {
  rules: Rule[];
  isTruncated: boolean;
  nextMarker?: string;
}
