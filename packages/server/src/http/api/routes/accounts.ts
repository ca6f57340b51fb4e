import { Type } from '@sinclair/typebox';
import { parsePageRequest } from '../../../domain/pagination.js';
import type { AccountRow } from '../../../store/repositories/accounts.js';
import { bodySchema, parseBody } from '../../bce/input.js';
import { callerOf } from '../../request-context.js';
import type { RouteRegistration } from '../../route-registration.js';
import { requireAdmin } from '../admin.js';

const CreateAccount = bodySchema(
  Type.Object({ name: Type.Optional(Type.String()), admin: Type.Optional(Type.Boolean()) }),
);
const ACCOUNT_ID = /^[0-9a-f]{32}$/;

const accountJson = (account: AccountRow) => ({
  accountId: account.id,
  name: account.name,
  isAdmin: account.isAdmin,
  createdAt: new Date(account.createdAt).toISOString(),
});

/**
 * /api/v1/accounts: administrators create accounts and manage their access keys. A secret access
 * key appears once, in the answer that creates it.
 */
export const accountRoutes: RouteRegistration = (app, { application }) => {
  app.get('/api/v1/whoami', async (request) => {
    const caller = callerOf(request);
    return { accountId: caller.accountId, isAdmin: caller.isAdmin, region: caller.region };
  });

  app.post('/api/v1/accounts', async (request, reply) => {
    const admin = requireAdmin(request);
    const body = parseBody(CreateAccount, request.body);
    const created = await application.accounts.createAccount(
      { name: body.name, isAdmin: body.admin },
      admin.accountId,
    );
    return reply.status(201).send(created);
  });

  app.get('/api/v1/accounts', async (request) => {
    requireAdmin(request);
    const query = request.query as Record<string, string>;
    const page = await application.accounts.listAccounts(
      parsePageRequest(query.marker, query.maxKeys, ACCOUNT_ID),
    );
    return {
      accounts: page.items.map(accountJson),
      isTruncated: page.isTruncated,
      ...(page.nextMarker ? { nextMarker: page.nextMarker } : {}),
    };
  });

  app.get<{ Params: { accountId: string } }>('/api/v1/accounts/:accountId', async (request) => {
    requireAdmin(request);
    return accountJson(await application.accounts.getAccount(request.params.accountId));
  });

  app.get<{ Params: { accountId: string } }>('/api/v1/accounts/:accountId/keys', async (request) => {
    requireAdmin(request);
    const keys = await application.accounts.listAccessKeys(request.params.accountId);
    return {
      keys: keys.map((key) => ({
        accessKeyId: key.accessKeyId,
        createdAt: new Date(key.createdAt).toISOString(),
      })),
    };
  });

  app.post<{ Params: { accountId: string } }>('/api/v1/accounts/:accountId/keys', async (request, reply) => {
    const admin = requireAdmin(request);
    return reply
      .status(201)
      .send(await application.accounts.createAccessKey(request.params.accountId, admin.accountId));
  });

  app.delete<{ Params: { accountId: string; accessKeyId: string } }>(
    '/api/v1/accounts/:accountId/keys/:accessKeyId',
    async (request, reply) => {
      const admin = requireAdmin(request);
      await application.accounts.deleteAccessKey(
        request.params.accountId,
        request.params.accessKeyId,
        admin.accountId,
      );
      return reply.status(204).send();
    },
  );
};
