import type { FastifyInstance } from 'fastify';
import { isEnvelope } from '../../federation/envelope.js';
import type { HttpAppDeps } from '../app.js';
import { HttpError } from '../errors.js';
import { parseJsonText } from '../json-body.js';
import { verifyFederationRequest } from './verify.js';

const MAX_MESSAGES = 500;
/**
 * A push carries at most ~8 MiB of message bodies (federation/delivery.ts) plus one message of up
 * to a replication chunk holding an 8 MiB file (base64): room for both, with the envelopes.
 */
const MAX_PUSH_BYTES = 32 * 1024 * 1024;

/** The body as a JSON object, with the same nesting limit as every other body (json-body.ts). */
function parseJson(raw: string): Record<string, unknown> {
  const value = parseJsonText(raw);
  if (typeof value === 'object' && value !== null && !Array.isArray(value))
    return value as Record<string, unknown>;
  throw new HttpError(400, 'MalformedJSON', 'the body must be a JSON object');
}

/**
 * Server-to-server endpoints between enrollments (`/federation/v1`), signed with enrollment keys:
 * push messages, collect the messages waiting for the caller (when only the caller may open
 * requests), acknowledge collected ones. The body is kept as received: its hash is signed.
 */
export function federationRoutes(app: FastifyInstance, deps: HttpAppDeps): void {
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

    scope.get('/federation/v1/identity', async () => {
      const self = await deps.application.enrollment.get();
      return { enrollmentId: self.id, publicKey: self.publicKey, platformTitle: self.platformTitle };
    });

    scope.post('/federation/v1/messages', { bodyLimit: MAX_PUSH_BYTES }, async (request) => {
      const raw = typeof request.body === 'string' ? request.body : '';
      const from = await verifyFederationRequest(request, raw, deps, { allowFirstContact: true });
      const messages = parseJson(raw).messages;
      if (!Array.isArray(messages) || messages.length > MAX_MESSAGES || !messages.every(isEnvelope))
        throw new HttpError(
          400,
          'InvalidMessages',
          `messages must be a list of at most ${MAX_MESSAGES} signed envelopes`,
        );
      return deps.application.receiver.accept(from, messages);
    });

    scope.get('/federation/v1/messages', async (request) => {
      const from = await verifyFederationRequest(request, '', deps, { allowFirstContact: false });
      return { messages: await deps.application.delivery.sealedPending(from) };
    });

    scope.post('/federation/v1/messages/ack', async (request) => {
      const raw = typeof request.body === 'string' ? request.body : '';
      const from = await verifyFederationRequest(request, raw, deps, { allowFirstContact: false });
      const ids = parseJson(raw).ids;
      if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string'))
        throw new HttpError(400, 'InvalidAck', 'ids must be a list of message ids');
      return { acknowledged: await deps.application.delivery.acknowledgePulled(from, ids as string[]) };
    });
  });
}
