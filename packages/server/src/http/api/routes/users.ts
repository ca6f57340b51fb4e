import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../../app/users.js';
import { LoginRefused, SESSION_TTL_MS } from '../../../app/users.js';
import { idPattern } from '../../../domain/ids.js';
import { parsePageRequest } from '../../../domain/pagination.js';
import type { User } from '../../../domain/users.js';
import { cookieValue, SESSION_COOKIE, sessionIdOf } from '../../authenticate.js';
import { bodySchema, parseBody } from '../../bce/input.js';
import { HttpError } from '../../errors.js';
import { callerOf } from '../../request-context.js';
import type { RouteRegistration } from '../../route-registration.js';
import { requireAdmin } from '../admin.js';

const Login = bodySchema(
  Type.Object({ username: Type.String({ maxLength: 256 }), password: Type.String({ maxLength: 1024 }) }),
);
const CreateUser = bodySchema(
  Type.Object({
    username: Type.String(),
    password: Type.Optional(Type.String()),
    admin: Type.Optional(Type.Boolean()),
  }),
);
const SetPassword = bodySchema(
  Type.Object({ password: Type.String(), currentPassword: Type.Optional(Type.String({ maxLength: 1024 })) }),
);
const CreateToken = bodySchema(Type.Object({ name: Type.String() }));
const USER_ID = idPattern('usr');

const userJson = (user: User) => ({
  userId: user.id,
  username: user.username,
  isAdmin: user.isAdmin,
  createdAt: new Date(user.createdAt).toISOString(),
});

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function actorOf(request: FastifyRequest): Actor {
  const caller = callerOf(request);
  const sessionId = sessionIdOf(request);
  return { principalId: caller.principalId, isAdmin: caller.isAdmin, ...(sessionId ? { sessionId } : {}) };
}

/** `Secure` when the request came over HTTPS (directly or through a proxy that says so). */
function sessionCookie(request: FastifyRequest, value: string, maxAgeSeconds: number): string {
  const https = request.protocol === 'https' || request.headers['x-forwarded-proto'] === 'https';
  return `${SESSION_COOKIE}=${value}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAgeSeconds}${https ? '; Secure' : ''}`;
}

const clearCookie = (request: FastifyRequest, reply: FastifyReply) =>
  reply.header('set-cookie', sessionCookie(request, '', 0));

/**
 * /api/v1/sessions (console login and logout), /api/v1/users (administrators manage users; anyone
 * reads themselves and changes their own password) and /api/v1/tokens (a user's bearer tokens).
 * Passwords and tokens appear once, in the answer that creates them.
 */
export const userRoutes: RouteRegistration = (app, { application }) => {
  // Public (see authenticate.ts): this is how a session is obtained.
  app.post('/api/v1/sessions', async (request, reply) => {
    // A login form posted from another site would sign the victim in as the attacker.
    if (request.headers['sec-fetch-site'] === 'cross-site') {
      throw new HttpError(403, 'AccessDenied', 'cross-site logins are refused', 'CrossSiteRequest');
    }
    const body = parseBody(Login, request.body);
    let session: Awaited<ReturnType<typeof application.users.login>>;
    try {
      // The socket's address: Peerlink does not trust X-Forwarded-For (a client could set any).
      session = await application.users.login(body.username, body.password, request.ip);
    } catch (error) {
      if (!(error instanceof LoginRefused)) throw error;
      throw new HttpError(401, 'Unauthorized', error.message, error.reason);
    }
    reply.header('set-cookie', sessionCookie(request, session.secret, SESSION_TTL_MS / 1000));
    reply.header('cache-control', 'no-store');
    return reply
      .status(201)
      .send({ user: userJson(session.user), expiresAt: new Date(session.expiresAt).toISOString() });
  });

  app.delete('/api/v1/sessions/current', async (request, reply) => {
    callerOf(request);
    const secret = cookieValue(request.headers.cookie, SESSION_COOKIE);
    if (secret) await application.users.logout(secret);
    clearCookie(request, reply);
    return reply.status(204).send();
  });

  app.get('/api/v1/users/me', async (request) => userJson(await application.users.me(actorOf(request))));

  app.post('/api/v1/users', async (request, reply) => {
    requireAdmin(request);
    const body = parseBody(CreateUser, request.body);
    const created = await application.users.createUser(actorOf(request), {
      username: body.username,
      ...(body.password !== undefined ? { password: body.password } : {}),
      ...(body.admin !== undefined ? { isAdmin: body.admin } : {}),
    });
    reply.header('cache-control', 'no-store');
    return reply
      .status(201)
      .send({ ...userJson(created.user), ...(created.password ? { password: created.password } : {}) });
  });

  app.get('/api/v1/users', async (request) => {
    requireAdmin(request);
    const query = request.query as Record<string, string>;
    const page = await application.users.listUsers(parsePageRequest(query.marker, query.maxKeys, USER_ID));
    return {
      users: page.items.map(userJson),
      isTruncated: page.isTruncated,
      ...(page.nextMarker ? { nextMarker: page.nextMarker } : {}),
    };
  });

  app.get<{ Params: { userId: string } }>('/api/v1/users/:userId', async (request) => {
    const caller = callerOf(request);
    if (caller.principalId !== request.params.userId) requireAdmin(request);
    return userJson(await application.users.getUser(request.params.userId));
  });

  app.delete<{ Params: { userId: string } }>('/api/v1/users/:userId', async (request, reply) => {
    requireAdmin(request);
    await application.users.deleteUser(actorOf(request), request.params.userId);
    return reply.status(204).send();
  });

  app.put<{ Params: { userId: string } }>('/api/v1/users/:userId/password', async (request, reply) => {
    const body = parseBody(SetPassword, request.body);
    await application.users.setPassword(
      actorOf(request),
      request.params.userId,
      {
        password: body.password,
        ...(body.currentPassword !== undefined ? { currentPassword: body.currentPassword } : {}),
      },
      request.ip,
    );
    return reply.status(204).send();
  });

  app.post('/api/v1/tokens', async (request, reply) => {
    const { name } = parseBody(CreateToken, request.body);
    const token = await application.users.createToken(actorOf(request), name);
    reply.header('cache-control', 'no-store');
    return reply.status(201).send({ ...token, createdAt: new Date(token.createdAt).toISOString() });
  });

  app.get('/api/v1/tokens', async (request) => {
    const tokens = await application.users.listTokens(actorOf(request));
    return {
      tokens: tokens.map((token) => ({
        id: token.id,
        name: token.name,
        createdAt: new Date(token.createdAt).toISOString(),
        lastUsedAt: iso(token.lastUsedAt),
      })),
    };
  });

  app.delete<{ Params: { tokenId: string } }>('/api/v1/tokens/:tokenId', async (request, reply) => {
    await application.users.revokeToken(actorOf(request), request.params.tokenId);
    return reply.status(204).send();
  });
};
