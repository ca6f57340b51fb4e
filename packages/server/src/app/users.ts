import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import { badRequest, DomainError, limitExceeded, noSuchObject, operationDenied } from '../domain/errors.js';
import { type Page, type PageRequest, toPage } from '../domain/pagination.js';
import { checkTokenName, checkUsername, isUserId, normalizeUsername, type User } from '../domain/users.js';
import type { Db, Executor } from '../store/database.js';
import {
  countUsers,
  deleteSession,
  deleteSessionsExpiredBefore,
  deleteSessionsOfUser,
  deleteToken,
  deleteUser,
  findSession,
  findTokenByHash,
  findUser,
  findUserByUsername,
  insertSession,
  insertToken,
  insertUser,
  listTokens,
  listUsers,
  savePasswordHash,
  type TokenRecord,
  touchToken,
} from '../store/repositories/users.js';
import { transact } from '../store/transact.js';
import type { IdGenerator } from './ids.js';
import { type Admission, LoginThrottle, LoginThrottled } from './login-throttle.js';
import {
  checkPasswordPolicy,
  decoyHash,
  generatePassword,
  hashPassword,
  verifyPassword,
} from './passwords.js';

/** A console session lasts 12 hours from the login (no sliding renewal). */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** A token's last use is written at most this often, so busy tokens do not write on every request. */
export const TOKEN_TOUCH_INTERVAL_MS = 60 * 1000;
/** Tokens a user may hold at once. */
export const MAX_TOKENS_PER_USER = 100;
export const TOKEN_PREFIX = 'plk_';
/** `plk_` and 32 random bytes in base64url. */
const TOKEN_TEXT = /^plk_[A-Za-z0-9_-]{43}$/;
const SESSION_TEXT = /^[A-Za-z0-9_-]{43}$/;

/** Who acts on the users, from the request's caller. */
export interface Actor {
  principalId: string;
  isAdmin: boolean;
  /** The session of the request, when it came with the session cookie. */
  sessionId?: string;
}

export interface NewUser {
  user: User;
  /** Only when the password was generated: shown in this answer and never again. */
  password?: string;
}

export interface NewToken {
  id: string;
  name: string;
  /** Shown in this answer and never again: only its hash is kept. */
  token: string;
  createdAt: number;
}

export interface Session {
  user: User;
  /** The cookie value; only its hash is kept. */
  secret: string;
  expiresAt: number;
}

export type TokenInfo = Omit<TokenRecord, 'userId'>;

export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

const accessDenied = (reason: string, message: string) => new DomainError('AccessDenied', reason, message);

/** The same answer for an unknown username and a wrong password: a login tells nothing else. */
export const BAD_LOGIN = 'the username or password is not correct';

/**
 * Local users: the first administrator, administration of users, password changes, console
 * sessions and bearer API tokens. Business time (`clock`) stamps records and the audit log; wall
 * time (`authClock`) runs sessions and token use, so moving the test clock logs no one out.
 */
export class UserService {
  /** Slows password guessing on logins and password changes (in this process; see login-throttle.ts). */
  private readonly throttle: LoginThrottle;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly authClock: Clock,
    private readonly ids: IdGenerator,
    /** Records an administrative action in the action's transaction (the audit log). */
    private readonly audit: (
      db: Executor,
      event: { actor: string; action: string; target: string; detail?: string },
    ) => Promise<void> = async () => {},
  ) {
    this.throttle = new LoginThrottle(authClock);
  }

  /**
   * First start (no user yet): creates the administrator `admin`, with the configured password or
   * a generated one, and answers them so they can be shown once. Later starts change nothing.
   */
  async bootstrap(
    configuredPassword: string | undefined,
  ): Promise<{ username: string; password: string } | undefined> {
    if (configuredPassword !== undefined) checkPasswordPolicy(configuredPassword);
    const password = configuredPassword ?? generatePassword();
    const passwordHash = await hashPassword(password);
    return transact(this.db, async (tx) => {
      if ((await countUsers(tx)) > 0) return undefined;
      const user = {
        id: this.ids.next('usr'),
        username: 'admin',
        isAdmin: true,
        createdAt: this.clock.now(),
      };
      await insertUser(tx, { ...user, passwordHash });
      await this.audit(tx, {
        actor: 'system',
        action: 'CreateUser',
        target: user.id,
        detail: 'admin (administrator, first start)',
      });
      return { username: user.username, password };
    });
  }

  async createUser(
    actor: Actor,
    input: { username: string; password?: string; isAdmin?: boolean },
  ): Promise<NewUser> {
    requireAdmin(actor);
    const username = checkUsername(input.username);
    const password = input.password === undefined ? generatePassword() : checkPasswordPolicy(input.password);
    const passwordHash = await hashPassword(password);
    const user: User = {
      id: this.ids.next('usr'),
      username,
      isAdmin: input.isAdmin ?? false,
      createdAt: this.clock.now(),
    };
    await transact(this.db, async (tx) => {
      if (await findUserByUsername(tx, username)) {
        throw operationDenied('UsernameTaken', `a user named ${username} already exists`);
      }
      await insertUser(tx, { ...user, passwordHash });
      await this.audit(tx, {
        actor: actor.principalId,
        action: 'CreateUser',
        target: user.id,
        detail: user.isAdmin ? `${username} (administrator)` : username,
      });
    });
    return { user, ...(input.password === undefined ? { password } : {}) };
  }

  async getUser(id: string): Promise<User> {
    const found = await findUser(this.db, id);
    if (!found) throw noSuchObject('UserNotFound', `user ${id} does not exist`);
    const { passwordHash: _hash, ...user } = found;
    return user;
  }

  /** The calling user; an account (AK/SK) caller is not a user. */
  async me(actor: Actor): Promise<User> {
    requireUser(actor);
    return this.getUser(actor.principalId);
  }

  async listUsers(page: PageRequest): Promise<Page<User>> {
    return toPage(await listUsers(this.db, page), page, (user) => user.id);
  }

  /** Administrators only; never oneself, never the last administrator. */
  async deleteUser(actor: Actor, id: string): Promise<void> {
    requireAdmin(actor);
    if (actor.principalId === id) {
      throw operationDenied('CannotDeleteSelf', 'you cannot delete your own user; ask another administrator');
    }
    await transact(this.db, async (tx) => {
      const user = await findUser(tx, id);
      if (!user) throw noSuchObject('UserNotFound', `user ${id} does not exist`);
      if (user.isAdmin && (await countUsers(tx, true)) <= 1) {
        throw operationDenied('LastAdministrator', `user ${user.username} is the last administrator`);
      }
      await deleteUser(tx, id);
      await this.audit(tx, {
        actor: actor.principalId,
        action: 'DeleteUser',
        target: id,
        detail: user.username,
      });
    });
  }

  /**
   * Administrators set anyone's password; a user sets their own with the current one. The user's
   * other sessions end (the asking one stays); bearer tokens stay valid until revoked.
   */
  async setPassword(
    actor: Actor,
    id: string,
    input: { password: string; currentPassword?: string },
    /** The source address of the request: checking the current password is a guess too. */
    source?: string,
  ): Promise<void> {
    const self = actor.principalId === id;
    if (!self) requireAdmin(actor);
    const password = checkPasswordPolicy(input.password);
    const current = await findUser(this.db, id);
    if (!current) throw noSuchObject('UserNotFound', `user ${id} does not exist`);
    if (self) {
      if (input.currentPassword === undefined) {
        throw badRequest(
          'CurrentPasswordRequired',
          'give your current password (currentPassword) to change it',
        );
      }
      const admission = this.admit(current.username, source);
      const currentPassword = input.currentPassword;
      if (!(await this.checked(admission, () => verifyPassword(currentPassword, current.passwordHash)))) {
        throw accessDenied('WrongPassword', 'the current password is not correct');
      }
      this.throttle.succeeded(admission);
    }
    const passwordHash = await hashPassword(password);
    await transact(this.db, async (tx) => {
      if (!(await findUser(tx, id))) throw noSuchObject('UserNotFound', `user ${id} does not exist`);
      await savePasswordHash(tx, id, passwordHash);
      await deleteSessionsOfUser(tx, id, self ? actor.sessionId : undefined);
      await this.audit(tx, {
        actor: actor.principalId,
        action: 'SetPassword',
        target: id,
        detail: current.username,
      });
    });
  }

  /**
   * Lets a password check for this user from this address go ahead, or refuses it at once
   * (LoginThrottled) while an earlier failure's wait lasts. Unknown usernames are throttled the
   * same way, so the answers still tell nothing about who exists.
   */
  /** Runs an admitted check; one that could not run (hashing queue full, database away) does not count. */
  private async checked<T>(admission: Admission, check: () => Promise<T>): Promise<T> {
    try {
      return await check();
    } catch (error) {
      this.throttle.abandoned(admission);
      throw error;
    }
  }

  private admit(username: string, source: string | undefined) {
    const admitted = this.throttle.admit({
      user: username,
      ...(source !== undefined ? { address: source, pair: `${source} ${username}` } : {}),
    });
    if ('waitMs' in admitted) throw new LoginThrottled(Math.ceil(admitted.waitMs / 1000));
    return admitted;
  }

  /**
   * A new session for the right username and password; anything else gets the same refusal. Too
   * many failures for the username or from the address make further attempts wait (LoginThrottled).
   */
  async login(usernameText: string, password: string, source?: string): Promise<Session> {
    const username = normalizeUsername(usernameText);
    // Before any database read or hash: a throttled attempt costs (almost) nothing.
    const admission = this.admit(username, source);
    const { found, matches } = await this.checked(admission, async () => {
      const found = username === '' ? undefined : await findUserByUsername(this.db, username);
      // An unknown user costs a hash check too, so the answer time does not tell which part was wrong.
      return { found, matches: await verifyPassword(password, found?.passwordHash ?? (await decoyHash())) };
    });
    if (!found || !matches) throw new LoginRefused();
    this.throttle.succeeded(admission);
    const secret = randomBytes(32).toString('base64url');
    const now = this.authClock.now();
    const expiresAt = now + SESSION_TTL_MS;
    await transact(this.db, async (tx) => {
      // The user may have been deleted since the password was checked.
      if (!(await findUser(tx, found.id))) throw new LoginRefused();
      await insertSession(tx, { id: sha256Hex(secret), userId: found.id, createdAt: now, expiresAt });
    });
    const { passwordHash: _hash, ...user } = found;
    return { user, secret, expiresAt };
  }

  /** Ends the session with this secret, if there is one. */
  async logout(secret: string): Promise<void> {
    if (!SESSION_TEXT.test(secret)) return;
    await transact(this.db, (tx) => deleteSession(tx, sha256Hex(secret)));
  }

  async createToken(actor: Actor, nameText: string): Promise<NewToken> {
    requireUser(actor);
    const name = checkTokenName(nameText);
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const created = { id: this.ids.next('tok'), name, createdAt: this.clock.now() };
    await transact(this.db, async (tx) => {
      if (!(await findUser(tx, actor.principalId))) {
        throw noSuchObject('UserNotFound', `user ${actor.principalId} does not exist`);
      }
      if ((await listTokens(tx, actor.principalId)).length >= MAX_TOKENS_PER_USER) {
        throw limitExceeded(
          'TokenLimitExceeded',
          `a user holds at most ${MAX_TOKENS_PER_USER} tokens; revoke some`,
        );
      }
      await insertToken(tx, { ...created, userId: actor.principalId, tokenHash: sha256Hex(token) });
      await this.audit(tx, {
        actor: actor.principalId,
        action: 'CreateToken',
        target: created.id,
        detail: name,
      });
    });
    return { ...created, token };
  }

  async listTokens(actor: Actor): Promise<TokenInfo[]> {
    requireUser(actor);
    return (await listTokens(this.db, actor.principalId)).map(({ userId: _user, ...token }) => token);
  }

  async revokeToken(actor: Actor, id: string): Promise<void> {
    requireUser(actor);
    await transact(this.db, async (tx) => {
      if (!(await deleteToken(tx, actor.principalId, id))) {
        throw noSuchObject('TokenNotFound', `you have no token ${id}`);
      }
      await this.audit(tx, { actor: actor.principalId, action: 'RevokeToken', target: id });
    });
  }

  /**
   * The user behind a bearer token, found by the token's hash (the database compares hashes, so
   * the time a lookup takes says nothing about the token); undefined when unknown or revoked.
   */
  async resolveToken(token: string): Promise<User | undefined> {
    if (!TOKEN_TEXT.test(token)) return undefined;
    const found = await findTokenByHash(this.db, sha256Hex(token));
    if (!found) return undefined;
    const now = this.authClock.now();
    if (found.lastUsedAt === null || now - found.lastUsedAt >= TOKEN_TOUCH_INTERVAL_MS) {
      // Bookkeeping in one conditional statement rather than a transaction: concurrent requests
      // with one token must not conflict with each other, and at most one of them writes.
      await touchToken(this.db, found.tokenId, now, TOKEN_TOUCH_INTERVAL_MS);
    }
    return found.user;
  }

  /** The user of an unexpired session, and the session's id (the hash of its secret). */
  async resolveSession(secret: string): Promise<{ user: User; sessionId: string } | undefined> {
    if (!SESSION_TEXT.test(secret)) return undefined;
    const found = await findSession(this.db, sha256Hex(secret));
    if (!found || found.session.expiresAt <= this.authClock.now()) return undefined;
    return { user: found.user, sessionId: found.session.id };
  }

  /** Housekeeping for the reconciler: forgets expired sessions (one statement, as the idempotency sweep). */
  async sweepExpiredSessions(): Promise<number> {
    return deleteSessionsExpiredBefore(this.db, this.authClock.now());
  }
}

/** Wrong username or password. */
export class LoginRefused extends DomainError {
  constructor() {
    super('AccessDenied', 'InvalidLogin', BAD_LOGIN);
  }
}

function requireAdmin(actor: Actor): void {
  if (!actor.isAdmin) throw accessDenied('AdministratorRequired', 'this operation needs an administrator');
}

function requireUser(actor: Actor): void {
  if (!isUserId(actor.principalId)) {
    throw badRequest(
      'CallerIsAccount',
      `the request is signed with the access key of account ${actor.principalId}, which is not a user; use a user's session or bearer token`,
    );
  }
}
