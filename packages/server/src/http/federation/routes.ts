import { Transform } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteShorthandOptions } from 'fastify';
import { isEnvelope } from '../../federation/envelope.js';
import { signRefusal } from '../../federation/refusals.js';
import type { HttpAppDeps } from '../app.js';
import { HttpError } from '../errors.js';
import { parseJsonText } from '../json-body.js';
import { checkFederationHeaders, type FederationSender, verifyFederationBody } from './verify.js';

const MAX_MESSAGES = 500;
/**
 * A push carries at most ~8 MiB of message bodies (federation/delivery.ts) plus one message of up
 * to a replication chunk holding an 8 MiB file (base64): room for both, with the envelopes.
 */
const MAX_PUSH_BYTES = 32 * 1024 * 1024;
/**
 * What a sender this side knows no key for may push: its first contact carries one `mpx.entered`
 * notice (about 1 KiB; federation/receiver.ts takes nothing else from an unknown key).
 */
export const FIRST_CONTACT_MAX_BYTES = 64 * 1024;

/** The body as a JSON object, with the same nesting limit as every other body (json-body.ts). */
function parseJson(raw: string): Record<string, unknown> {
  const value = parseJsonText(raw);
  if (typeof value === 'object' && value !== null && !Array.isArray(value))
    return value as Record<string, unknown>;
  throw new HttpError(400, 'MalformedJSON', 'the body must be a JSON object');
}

const firstContactTooLarge = () =>
  new HttpError(
    413,
    'FederationDenied',
    `a first contact (from a sender whose key this enrollment does not know) carries at most ${FIRST_CONTACT_MAX_BYTES} bytes`,
    'FirstContactTooLarge',
  );

/** Fails the body stream once more than `limit` bytes came: for a body sent without a length. */
function limitedTo(limit: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      done(seen > limit ? firstContactTooLarge() : null, chunk);
    },
  });
}

/**
 * Hooks of a signed route. The headers are checked on request, before any of the body is read, so
 * that a stranger cannot make this server buffer up to MAX_PUSH_BYTES only to be told 401; such a
 * refusal closes the connection rather than reading the rest. A first contact's body is bounded to
 * FIRST_CONTACT_MAX_BYTES. The signature over the body is checked by the handler (verified()).
 */
function signedRoute(
  deps: HttpAppDeps,
  senders: WeakMap<FastifyRequest, FederationSender>,
  options: { allowFirstContact: boolean },
): Pick<RouteShorthandOptions, 'onRequest' | 'preParsing'> {
  const closing = (reply: FastifyReply, error: unknown) => {
    reply.header('connection', 'close');
    return error;
  };
  return {
    onRequest: async (request, reply) => {
      try {
        senders.set(request, await checkFederationHeaders(request, deps, options));
      } catch (error) {
        throw closing(reply, error);
      }
    },
    preParsing: async (request, reply, payload) => {
      if (!senders.get(request)?.firstContact) return payload;
      const declared = request.headers['content-length'];
      if (declared !== undefined && Number(declared) > FIRST_CONTACT_MAX_BYTES)
        throw closing(reply, firstContactTooLarge());
      return payload.pipe(limitedTo(FIRST_CONTACT_MAX_BYTES));
    },
  };
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

    const senders = new WeakMap<FastifyRequest, FederationSender>();
    /** The sender's enrollment id, once the signature over `raw` is checked. */
    const verified = (request: FastifyRequest, raw: string) =>
      verifyFederationBody(request, senders.get(request)!, raw, deps);
    const rawBody = (request: FastifyRequest) => (typeof request.body === 'string' ? request.body : '');

    scope.get('/federation/v1/identity', async () => {
      const self = await deps.application.enrollment.get();
      return { enrollmentId: self.id, publicKey: self.publicKey, platformTitle: self.platformTitle };
    });

    scope.post(
      '/federation/v1/messages',
      { bodyLimit: MAX_PUSH_BYTES, ...signedRoute(deps, senders, { allowFirstContact: true }) },
      async (request) => {
        const raw = rawBody(request);
        const from = await verified(request, raw);
        const messages = parseJson(raw).messages;
        if (!Array.isArray(messages) || messages.length > MAX_MESSAGES || !messages.every(isEnvelope))
          throw new HttpError(
            400,
            'InvalidMessages',
            `messages must be a list of at most ${MAX_MESSAGES} signed envelopes`,
          );
        const { refused, ...result } = await deps.application.receiver.accept(from, messages);
        if (!refused) return result;
        // Signed, so that the sender can tell a refusal from this side from a forged one.
        const key = await deps.application.enrollment.signingKey();
        return { ...result, refusals: refused.map((refusal) => signRefusal(key, from, refusal)) };
      },
    );

    scope.get(
      '/federation/v1/messages',
      signedRoute(deps, senders, { allowFirstContact: false }),
      async (request) => {
        const from = await verified(request, '');
        return { messages: await deps.application.delivery.sealedPending(from) };
      },
    );

    scope.post(
      '/federation/v1/messages/ack',
      signedRoute(deps, senders, { allowFirstContact: false }),
      async (request) => {
        const raw = rawBody(request);
        const from = await verified(request, raw);
        const ids = parseJson(raw).ids;
        if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string'))
          throw new HttpError(400, 'InvalidAck', 'ids must be a list of message ids');
        return { acknowledged: await deps.application.delivery.acknowledgePulled(from, ids as string[]) };
      },
    );
  });
}
