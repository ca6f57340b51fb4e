import type { PageRequest } from '../../domain/pagination.js';
import type { User } from '../../domain/users.js';
import type { Executor } from '../database.js';

export interface UserRecord extends User {
  passwordHash: string;
}

export interface TokenRecord {
  id: string;
  userId: string;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
}

export interface SessionRecord {
  id: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
}

const toUser = (row: {
  id: string;
  username: string;
  is_admin: number;
  created_at: number;
  password_hash: string;
}): UserRecord => ({
  id: row.id,
  username: row.username,
  isAdmin: Number(row.is_admin) === 1,
  createdAt: Number(row.created_at),
  passwordHash: row.password_hash,
});

const withoutHash = ({ passwordHash: _hash, ...user }: UserRecord): User => user;

export async function insertUser(db: Executor, user: UserRecord): Promise<void> {
  await db
    .insertInto('users')
    .values({
      id: user.id,
      username: user.username,
      password_hash: user.passwordHash,
      is_admin: user.isAdmin ? 1 : 0,
      created_at: user.createdAt,
    })
    .execute();
}

export async function findUser(db: Executor, id: string): Promise<UserRecord | undefined> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toUser(row);
}

export async function findUserByUsername(db: Executor, username: string): Promise<UserRecord | undefined> {
  const row = await db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  return row && toUser(row);
}

export async function countUsers(db: Executor, onlyAdmins = false): Promise<number> {
  let query = db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n'));
  if (onlyAdmins) query = query.where('is_admin', '=', 1);
  return Number((await query.executeTakeFirstOrThrow()).n);
}

/** In id (creation) order from the marker on. */
export async function listUsers(db: Executor, page: PageRequest): Promise<User[]> {
  let query = db
    .selectFrom('users')
    .selectAll()
    .orderBy('id')
    .limit(page.maxKeys + 1);
  if (page.marker) query = query.where('id', '>=', page.marker);
  return (await query.execute()).map((row) => withoutHash(toUser(row)));
}

/** Its tokens and sessions go with it (foreign keys cascade). */
export async function deleteUser(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('user_tokens').where('user_id', '=', id).execute();
  await db.deleteFrom('user_sessions').where('user_id', '=', id).execute();
  await db.deleteFrom('users').where('id', '=', id).execute();
}

export async function savePasswordHash(db: Executor, id: string, passwordHash: string): Promise<void> {
  await db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', id).execute();
}

export async function insertToken(
  db: Executor,
  token: Omit<TokenRecord, 'lastUsedAt'> & { tokenHash: string },
): Promise<void> {
  await db
    .insertInto('user_tokens')
    .values({
      id: token.id,
      user_id: token.userId,
      name: token.name,
      token_hash: token.tokenHash,
      created_at: token.createdAt,
      last_used_at: null,
    })
    .execute();
}

export async function listTokens(db: Executor, userId: string): Promise<TokenRecord[]> {
  const rows = await db
    .selectFrom('user_tokens')
    .select(['id', 'user_id', 'name', 'created_at', 'last_used_at'])
    .where('user_id', '=', userId)
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    userId: row.user_id,
    name: row.name,
    createdAt: Number(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
  }));
}

export async function deleteToken(db: Executor, userId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('user_tokens')
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** The token with this hash and its user, in one read: this runs on every bearer request. */
export async function findTokenByHash(
  db: Executor,
  tokenHash: string,
): Promise<{ tokenId: string; lastUsedAt: number | null; user: User } | undefined> {
  const row = await db
    .selectFrom('user_tokens')
    .innerJoin('users', 'users.id', 'user_tokens.user_id')
    .select([
      'user_tokens.id as token_id',
      'user_tokens.last_used_at',
      'users.id',
      'users.username',
      'users.is_admin',
      'users.created_at',
    ])
    .where('user_tokens.token_hash', '=', tokenHash)
    .executeTakeFirst();
  return (
    row && {
      tokenId: row.token_id,
      lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
      user: withoutHash(toUser({ ...row, password_hash: '' })),
    }
  );
}

/** Records a use unless one was recorded less than `minIntervalMs` ago; one statement, no read first. */
export async function touchToken(
  db: Executor,
  id: string,
  now: number,
  minIntervalMs: number,
): Promise<void> {
  await db
    .updateTable('user_tokens')
    .set({ last_used_at: now })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<=', now - minIntervalMs)]))
    .execute();
}

export async function insertSession(db: Executor, session: SessionRecord): Promise<void> {
  await db
    .insertInto('user_sessions')
    .values({
      id: session.id,
      user_id: session.userId,
      created_at: session.createdAt,
      expires_at: session.expiresAt,
    })
    .execute();
}

/** The session with this id (the hash of its secret) and its user, in one read. */
export async function findSession(
  db: Executor,
  id: string,
): Promise<{ session: SessionRecord; user: User } | undefined> {
  const row = await db
    .selectFrom('user_sessions')
    .innerJoin('users', 'users.id', 'user_sessions.user_id')
    .select([
      'user_sessions.id as session_id',
      'user_sessions.created_at as session_created_at',
      'user_sessions.expires_at',
      'users.id',
      'users.username',
      'users.is_admin',
      'users.created_at',
    ])
    .where('user_sessions.id', '=', id)
    .executeTakeFirst();
  return (
    row && {
      session: {
        id: row.session_id,
        userId: row.id,
        createdAt: Number(row.session_created_at),
        expiresAt: Number(row.expires_at),
      },
      user: withoutHash(toUser({ ...row, password_hash: '' })),
    }
  );
}

export async function deleteSession(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('user_sessions').where('id', '=', id).execute();
}

/** Ends every session of a user but one (the one that asked, when it was a session). */
export async function deleteSessionsOfUser(db: Executor, userId: string, keep?: string): Promise<void> {
  let query = db.deleteFrom('user_sessions').where('user_id', '=', userId);
  if (keep) query = query.where('id', '!=', keep);
  await query.execute();
}

export async function deleteSessionsExpiredBefore(db: Executor, now: number): Promise<number> {
  const result = await db.deleteFrom('user_sessions').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
