import { createHash } from 'node:crypto';
import { BceServiceError, PeerlinkApiError, PeerlinkClient, VpcClient } from '@peerlink/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_TTL_MS } from '../../../app/users.js';
import { openTestDatabase } from '../../../testing/database.js';
import { ManualClock, startTestServer, type TestServer } from '../../../testing/harness.js';
import { type RawResponse, rawRequest } from '../../../testing/raw-request.js';

let t: TestServer;
let adminAccount: PeerlinkClient;
let adminPassword: string;
beforeAll(async () => {
  t = await startTestServer();
  adminAccount = t.clients({ ak: t.admin.accessKeyId, sk: t.admin.secretAccessKey }).peerlink;
  adminPassword = t.server.createdAdminUser!.password;
});
afterAll(() => t.close());

async function problem(call: () => Promise<unknown>): Promise<PeerlinkApiError> {
  const error = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof PeerlinkApiError))
    throw new Error(`expected a PeerlinkApiError, got ${String(error)}`);
  return error;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const port = () => Number(new URL(t.endpoint()).port);

/** A client logged in as a user (session cookie). */
async function loggedIn(username: string, password: string): Promise<PeerlinkClient> {
  const client = new PeerlinkClient({ endpoint: t.endpoint() });
  await client.login(username, password);
  return client;
}

/** A client with a fresh bearer token of the user. */
async function withToken(
  username: string,
  password: string,
): Promise<{ client: PeerlinkClient; token: string; id: string }> {
  const session = await loggedIn(username, password);
  const { token, id } = await session.createToken(`test ${username}`);
  await session.logout();
  return { client: new PeerlinkClient({ endpoint: t.endpoint(), token }), token, id };
}

/** Raw login: answers the response and the session secret of its cookie. */
async function rawLogin(
  username: string,
  password: string,
): Promise<{ response: RawResponse; secret?: string }> {
  const body = JSON.stringify({ username, password });
  const response = await rawRequest({
    port: port(),
    method: 'POST',
    path: '/api/v1/sessions',
    headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
    body,
  });
  const cookie = response.headers['set-cookie']?.[0];
  const secret = cookie ? /^peerlink_session=([^;]*)/.exec(cookie)?.[1] : undefined;
  return { response, ...(secret ? { secret } : {}) };
}

function withCookie(
  secret: string,
  method: string,
  path: string,
  options: { body?: unknown; console?: boolean } = {},
): Promise<RawResponse> {
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  return rawRequest({
    port: port(),
    method,
    path,
    headers: {
      cookie: `theme=dark; peerlink_session=${secret}`,
      ...(options.console ? { 'x-peerlink-console': '1' } : {}),
      ...(body !== undefined
        ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }
        : {}),
    },
    ...(body !== undefined ? { body } : {}),
  });
}

describe('first start', () => {
  it('creates the administrator user admin with a generated password, shown once', async () => {
    expect(t.server.createdAdminUser).toMatchObject({ username: 'admin' });
    expect(adminPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const admin = await loggedIn('admin', adminPassword);
    expect(await admin.me()).toMatchObject({
      username: 'admin',
      isAdmin: true,
      userId: expect.stringMatching(/^usr-[0-9a-z]{12}$/),
    });
  });

  it('does not create it again on a restart', async () => {
    await t.close();
    t = await startTestServer({ dataDir: t.dataDir, admin: t.admin });
    adminAccount = t.clients({ ak: t.admin.accessKeyId, sk: t.admin.secretAccessKey }).peerlink;
    expect(t.server.createdAdminUser).toBeUndefined();
    expect((await adminAccount.listUsers()).users.map((u) => u.username)).toEqual(['admin']);
    await loggedIn('admin', adminPassword);
  });

  it('takes the configured password (adminPassword, PEERLINK_ADMIN_PASSWORD) and refuses a short one', async () => {
    const configured = await startTestServer({ overrides: { adminPassword: 'configured secret 42' } });
    try {
      // Created with the configured password, which is not handed back to be printed.
      expect(configured.server.createdAdminUser).toBeUndefined();
      expect(configured.server.configuredAdminUser).toEqual({ username: 'admin' });
      const client = new PeerlinkClient({ endpoint: configured.endpoint() });
      expect((await client.login('admin', 'configured secret 42')).user.isAdmin).toBe(true);
    } finally {
      await configured.close();
    }
    await expect(startTestServer({ overrides: { adminPassword: 'too short' } })).rejects.toMatchObject({
      reason: 'PasswordTooShort',
    });
  });
});

describe('login', () => {
  it('answers 201 with the user, its expiry and an HttpOnly, SameSite=Strict session cookie', async () => {
    const before = Date.now();
    const { response, secret } = await rawLogin('ADMIN', adminPassword);
    expect(response.status).toBe(201);
    const body = JSON.parse(response.body);
    expect(body.user).toMatchObject({ username: 'admin', isAdmin: true });
    const expiresAt = Date.parse(body.expiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(before + SESSION_TTL_MS - 1000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + SESSION_TTL_MS + 1000);
    expect(response.headers['set-cookie']).toEqual([
      `peerlink_session=${secret}; HttpOnly; SameSite=Strict; Path=/; Max-Age=43200`,
    ]);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body).not.toHaveProperty('secret');
  });

  it('refuses a wrong password and an unknown user alike: 401 problem+json, same message', async () => {
    const wrong = await rawLogin('admin', 'not the password');
    const unknown = await rawLogin('nobody', 'not the password');
    for (const { response, secret } of [wrong, unknown]) {
      expect(response.status).toBe(401);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.headers['set-cookie']).toBeUndefined();
      expect(secret).toBeUndefined();
    }
    const [a, b] = [JSON.parse(wrong.response.body), JSON.parse(unknown.response.body)];
    expect(a).toMatchObject({ status: 401, code: 'Unauthorized', reason: 'InvalidLogin' });
    expect({ ...a, requestId: '' }).toEqual({ ...b, requestId: '' });
  });

  it('refuses a login posted from another site', async () => {
    const body = JSON.stringify({ username: 'admin', password: adminPassword });
    const response = await rawRequest({
      port: port(),
      method: 'POST',
      path: '/api/v1/sessions',
      headers: { 'sec-fetch-site': 'cross-site', 'content-length': String(Buffer.byteLength(body)) },
      body,
    });
    expect([response.status, JSON.parse(response.body).reason]).toEqual([403, 'CrossSiteRequest']);
  });
});

describe('session cookie', () => {
  it('authenticates reads; writes need X-Peerlink-Console: 1', async () => {
    const { secret } = await rawLogin('admin', adminPassword);
    const me = await withCookie(secret!, 'GET', '/api/v1/users/me');
    expect([me.status, JSON.parse(me.body).username]).toEqual([200, 'admin']);

    const forged = await withCookie(secret!, 'POST', '/api/v1/tokens', { body: { name: 'csrf' } });
    expect(forged.status).toBe(403);
    expect(JSON.parse(forged.body)).toMatchObject({ code: 'AccessDenied', reason: 'ConsoleHeaderRequired' });
    const forgedDelete = await withCookie(secret!, 'DELETE', '/api/v1/sessions/current');
    expect(forgedDelete.status).toBe(403);

    const created = await withCookie(secret!, 'POST', '/api/v1/tokens', {
      body: { name: 'console' },
      console: true,
    });
    expect(created.status).toBe(201);
    await adminAccount.listUsers(); // unaffected by the cookie world
  });

  it('ends with a logout, which clears the cookie', async () => {
    const { secret } = await rawLogin('admin', adminPassword);
    const out = await withCookie(secret!, 'DELETE', '/api/v1/sessions/current', { console: true });
    expect(out.status).toBe(204);
    expect(out.headers['set-cookie']).toEqual([
      'peerlink_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0',
    ]);
    const after = await withCookie(secret!, 'GET', '/api/v1/users/me');
    expect([after.status, JSON.parse(after.body).reason]).toEqual([401, 'SessionExpired']);
  });

  it('is refused when unknown', async () => {
    const response = await withCookie('A'.repeat(43), 'GET', '/api/v1/users/me');
    expect(response.status).toBe(401);
  });

  it('lets the SDK log in and out', async () => {
    const client = new PeerlinkClient({ endpoint: t.endpoint() });
    await client.login('admin', adminPassword);
    expect((await client.whoami()).isAdmin).toBe(true);
    await client.logout();
    // Without a session or credentials, the request carries nothing to authenticate it.
    expect((await problem(() => client.me())).statusCode).toBe(403);
  });
});

describe('bearer tokens', () => {
  it('authenticate on /api as the user and are refused on /v1', async () => {
    const { client, token } = await withToken('admin', adminPassword);
    expect(token).toMatch(/^plk_[A-Za-z0-9_-]{43}$/);
    const me = await client.me();
    expect(await client.whoami()).toEqual({ accountId: me.userId, isAdmin: true, region: 'bj' });
    expect((await client.listUsers()).users.length).toBeGreaterThan(0);

    const vpc = new VpcClient({ endpoint: t.endpoint(), token });
    const refused = await vpc.listVpcs().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(BceServiceError);
    expect(refused).toMatchObject({ statusCode: 403, code: 'AccessDenied' });
  });

  it('are listed without the token and with their last use, and stop working when revoked', async () => {
    const { client, token, id } = await withToken('admin', adminPassword);
    expect(id).toMatch(/^tok-[0-9a-z]{12}$/);
    expect((await client.listTokens()).tokens.find((entry) => entry.id === id)?.lastUsedAt).not.toBeNull();
    const { tokens } = await client.listTokens();
    const listed = tokens.find((entry) => entry.id === id)!;
    expect(listed).toMatchObject({ name: 'test admin', createdAt: expect.any(String) });
    expect(JSON.stringify(tokens)).not.toContain(token.slice(4));

    await client.revokeToken(listed.id);
    const revoked = await problem(() => client.me());
    expect([revoked.statusCode, revoked.code, revoked.reason]).toEqual([401, 'Unauthorized', 'InvalidToken']);
    const raw = await rawRequest({
      port: port(),
      path: '/api/v1/users/me',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(raw.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(raw.headers['www-authenticate']).toMatch(/^Bearer /);
  });

  it('refuse unknown and malformed tokens', async () => {
    for (const bad of [`plk_${'x'.repeat(43)}`, 'not-a-token']) {
      const refused = await problem(() => new PeerlinkClient({ endpoint: t.endpoint(), token: bad }).me());
      expect(refused.statusCode).toBe(401);
    }
  });

  it("are the calling user's own: another user cannot revoke them", async () => {
    const { id } = await withToken('admin', adminPassword);
    await adminAccount.createUser({ username: 'mallory', password: 'mallory password' });
    const mallory = await loggedIn('mallory', 'mallory password');
    const denied = await problem(() => mallory.revokeToken(id!));
    expect([denied.statusCode, denied.reason]).toEqual([404, 'TokenNotFound']);
  });

  it('are for users: an account caller is told it is an account', async () => {
    const refused = await problem(() => adminAccount.createToken('mine'));
    expect([refused.statusCode, refused.reason]).toEqual([400, 'CallerIsAccount']);
    const me = await problem(() => adminAccount.me());
    expect([me.statusCode, me.reason]).toEqual([400, 'CallerIsAccount']);
  });
});

describe('user administration', () => {
  it('creates users with a generated password (shown once) or a given one, and refuses short ones', async () => {
    const generated = await adminAccount.createUser({ username: 'Carol' });
    expect(generated).toMatchObject({ username: 'carol', isAdmin: false, password: expect.any(String) });
    await loggedIn('carol', generated.password!);
    expect(await adminAccount.getUser(generated.userId)).not.toHaveProperty('password');

    const given = await adminAccount.createUser({ username: 'dave', password: 'dave has a long password' });
    expect(given).not.toHaveProperty('password');

    const short = await problem(() => adminAccount.createUser({ username: 'erin', password: 'short' }));
    expect([short.statusCode, short.code, short.reason]).toEqual([400, 'BadRequest', 'PasswordTooShort']);
    expect(short.message).toMatch(/at least 12 characters/);
    const taken = await problem(() => adminAccount.createUser({ username: 'DAVE' }));
    expect([taken.statusCode, taken.reason]).toEqual([409, 'UsernameTaken']);
    const invalid = await problem(() => adminAccount.createUser({ username: 'no spaces please' }));
    expect(invalid.reason).toBe('InvalidUsername');
  });

  it('is for administrators: an ordinary user cannot create, list or delete users', async () => {
    await adminAccount.createUser({ username: 'frank', password: 'frank password 1' });
    const frank = (await withToken('frank', 'frank password 1')).client;
    for (const call of [
      () => frank.createUser({ username: 'grace' }),
      () => frank.listUsers(),
      () => frank.deleteUser('usr-000000000000'),
    ]) {
      const denied = await problem(call);
      expect([denied.statusCode, denied.code]).toEqual([403, 'AccessDenied']);
    }
    const me = await frank.me();
    expect(await frank.getUser(me.userId)).toEqual(me);
    const other = (await adminAccount.listUsers()).users.find((u) => u.username === 'admin')!;
    expect((await problem(() => frank.getUser(other.userId))).statusCode).toBe(403);
  });

  it('lets administrator users administer (requireAdmin works for them)', async () => {
    const admin = (await withToken('admin', adminPassword)).client;
    const created = await admin.createUser({ username: 'henry', admin: true });
    expect(created.isAdmin).toBe(true);
    expect((await admin.listAccounts()).accounts.length).toBeGreaterThan(0);
  });

  it('never deletes oneself or the last administrator', async () => {
    const fresh = await startTestServer();
    try {
      const account = fresh.clients({
        ak: fresh.admin.accessKeyId,
        sk: fresh.admin.secretAccessKey,
      }).peerlink;
      const admin = new PeerlinkClient({ endpoint: fresh.endpoint() });
      const { user } = await admin.login('admin', fresh.server.createdAdminUser!.password);
      const self = await problem(() => admin.deleteUser(user.userId));
      expect([self.statusCode, self.reason]).toEqual([409, 'CannotDeleteSelf']);
      const last = await problem(() => account.deleteUser(user.userId));
      expect([last.statusCode, last.reason]).toEqual([409, 'LastAdministrator']);

      const second = await account.createUser({ username: 'second', admin: true });
      await admin.deleteUser(second.userId);
      const again = await account.createUser({ username: 'third', admin: true });
      await account.deleteUser(user.userId);
      expect((await account.listUsers()).users.map((u) => u.userId)).toEqual([again.userId]);
      // The deleted user's session is gone with it.
      expect((await problem(() => admin.me())).statusCode).toBe(401);
      const missing = await problem(() => account.deleteUser(user.userId));
      expect([missing.statusCode, missing.reason]).toEqual([404, 'UserNotFound']);
    } finally {
      await fresh.close();
    }
  });

  it('lists users in pages', async () => {
    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const page = await adminAccount.listUsers({ maxKeys: 2, ...(marker ? { marker } : {}) });
      seen.push(...page.users.map((u) => u.userId));
      marker = page.isTruncated ? page.nextMarker : undefined;
    } while (marker);
    expect(seen.length).toBeGreaterThan(3);
    expect(seen).toEqual([...seen].sort());
  });
});

describe('passwords', () => {
  it('are changed by the user with the current one, which ends their other sessions', async () => {
    const created = await adminAccount.createUser({ username: 'ivy', password: 'ivy first password' });
    const one = await loggedIn('ivy', 'ivy first password');
    const two = await loggedIn('ivy', 'ivy first password');
    const missing = await problem(() => one.setPassword(created.userId, { password: 'ivy second password' }));
    expect(missing.reason).toBe('CurrentPasswordRequired');
    const wrong = await problem(() =>
      one.setPassword(created.userId, { password: 'ivy second password', currentPassword: 'not it at all' }),
    );
    expect([wrong.statusCode, wrong.reason]).toEqual([403, 'WrongPassword']);
    const short = await problem(() =>
      one.setPassword(created.userId, { password: 'short', currentPassword: 'ivy first password' }),
    );
    expect(short.reason).toBe('PasswordTooShort');

    await one.setPassword(created.userId, {
      password: 'ivy second password',
      currentPassword: 'ivy first password',
    });
    expect((await one.me()).username).toBe('ivy');
    expect((await problem(() => two.me())).statusCode).toBe(401);
    expect((await problem(() => loggedIn('ivy', 'ivy first password'))).statusCode).toBe(401);
    await loggedIn('ivy', 'ivy second password');
  });

  it('are set by administrators for anyone, and never by users for others', async () => {
    const jack = await adminAccount.createUser({ username: 'jack', password: 'jack first password' });
    await adminAccount.setPassword(jack.userId, { password: 'jack reset password' });
    const client = await loggedIn('jack', 'jack reset password');
    const admin = (await adminAccount.listUsers()).users.find((u) => u.username === 'admin')!;
    const denied = await problem(() =>
      client.setPassword(admin.userId, {
        password: 'taken over now',
        currentPassword: 'jack reset password',
      }),
    );
    expect(denied.statusCode).toBe(403);
  });

  it('are stored only as scrypt hashes; tokens and sessions only as SHA-256', async () => {
    await adminAccount.createUser({ username: 'kim', password: 'kim clear text password' });
    const { secret } = await rawLogin('kim', 'kim clear text password');
    const { token } = await withToken('kim', 'kim clear text password');
    const db = await openTestDatabase(t.dataDir);
    try {
      const user = await db
        .selectFrom('users')
        .selectAll()
        .where('username', '=', 'kim')
        .executeTakeFirstOrThrow();
      expect(user.password_hash).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
      expect(user.password_hash).not.toContain('kim clear text password');
      const tokens = await db.selectFrom('user_tokens').selectAll().where('user_id', '=', user.id).execute();
      expect(tokens.map((row) => row.token_hash)).toEqual([sha256(token)]);
      const sessions = await db
        .selectFrom('user_sessions')
        .selectAll()
        .where('user_id', '=', user.id)
        .execute();
      expect(sessions.map((row) => row.id)).toContain(sha256(secret!));
      const everything = JSON.stringify([user, tokens, sessions]);
      for (const clear of ['kim clear text password', token, secret!])
        expect(everything).not.toContain(clear);
    } finally {
      await db.destroy();
    }
  });
});

describe('audit log', () => {
  it('records user administration, password changes and tokens, with who did it', async () => {
    const admin = (await withToken('admin', adminPassword)).client;
    const adminId = (await admin.me()).userId;
    const created = await admin.createUser({ username: 'lena' });
    await admin.setPassword(created.userId, { password: 'lena new password' });
    const lena = await loggedIn('lena', 'lena new password');
    const token = await lena.createToken('laptop');
    await lena.revokeToken(token.id);
    await admin.deleteUser(created.userId);
    const { events } = await adminAccount.listAuditEvents({ maxKeys: 5 });
    expect(events.map((e) => [e.actor, e.action, e.target, e.detail])).toEqual([
      [adminId, 'DeleteUser', created.userId, 'lena'],
      [created.userId, 'RevokeToken', token.id, undefined],
      [created.userId, 'CreateToken', token.id, 'laptop'],
      [adminId, 'SetPassword', created.userId, 'lena'],
      [adminId, 'CreateUser', created.userId, 'lena'],
    ]);
    const all = JSON.stringify((await adminAccount.listAuditEvents()).events);
    expect(all).toContain('admin (administrator, first start)');
    expect(all).not.toContain('lena new password');
    expect(all).not.toContain(token.token);
  });
});

describe('session expiry', () => {
  it('refuses a session 12 hours after the login (wall time, not the test clock)', async () => {
    const authClock = new ManualClock();
    const s = await startTestServer({ authClock });
    try {
      const client = new PeerlinkClient({ endpoint: s.endpoint() });
      await client.login('admin', s.server.createdAdminUser!.password);
      authClock.advance(SESSION_TTL_MS - 1000);
      expect((await client.me()).username).toBe('admin');
      authClock.advance(1000);
      const expired = await problem(() => client.me());
      expect([expired.statusCode, expired.reason]).toEqual([401, 'SessionExpired']);
    } finally {
      await s.close();
    }
  });
});
