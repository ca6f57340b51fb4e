import type { FastifyRequest } from 'fastify';
import type { Application } from '../../app/application.js';
import type { Clock } from '../../clock.js';
import { mayAccept } from '../../domain/peering/mpx.js';
import {
  FEDERATION_HEADERS,
  FEDERATION_WINDOW_MS,
  verifyRequestSignature,
} from '../../federation/signing.js';
import type { Db } from '../../store/database.js';
import { findMpxConnection } from '../../store/repositories/network.js';
import { rememberNonce } from '../../store/repositories/outbox.js';
import { HttpError } from '../errors.js';

const refuse = (status: number, reason: string, message: string) =>
  new HttpError(status, 'FederationDenied', message, reason);

function header(request: FastifyRequest, name: string): string {
  const value = request.headers[name];
  if (typeof value !== 'string' || value === '')
    throw refuse(
      401,
      'MissingFederationHeader',
      `the request lacks the ${name} header of a signed federation request`,
    );
  return value;
}

/** Who sent a federation request, as its headers say: checked before the body is read. */
export interface FederationSender {
  from: string;
  to: string;
  /** The key the signature must match: the one this side knows, or the one offered on first contact. */
  key: string;
  /** This side knows no key for the sender yet: the request may only carry a small first message. */
  firstContact: boolean;
  date: number;
  nonce: string;
  signature: string;
}

/**
 * Checks what the headers of a request from another enrollment can tell, so that a stranger is
 * refused before its body is read: addressed to this one, timestamp within the window, a key to
 * check the signature with (the one this side knows; on first contact the key the request
 * carries, which the message then has to justify), sender allowed by the ingress policy, and this
 * side accepting requests on its MPX connection (an egress-only side opens requests but takes none).
 */
export async function checkFederationHeaders(
  request: FastifyRequest,
  deps: { application: Application; db: Db; authClock: Clock },
  options: { allowFirstContact: boolean },
): Promise<FederationSender> {
  const from = header(request, FEDERATION_HEADERS.from);
  const to = header(request, FEDERATION_HEADERS.to);
  const dateText = header(request, FEDERATION_HEADERS.date);
  const nonce = header(request, FEDERATION_HEADERS.nonce);
  const signature = header(request, FEDERATION_HEADERS.signature);
  const self = await deps.application.enrollment.get();
  if (to !== self.id) throw refuse(421, 'WrongEnrollment', `this is enrollment ${self.id}, not ${to}`);
  const date = Number(dateText);
  if (!Number.isSafeInteger(date) || Math.abs(deps.authClock.now() - date) > FEDERATION_WINDOW_MS)
    throw refuse(
      401,
      'RequestExpired',
      'the request timestamp is outside the accepted window (check both clocks)',
    );
  const known = await deps.application.network.knownKey(deps.db, from);
  const offered = request.headers[FEDERATION_HEADERS.key];
  const key = known ?? (options.allowFirstContact && typeof offered === 'string' ? offered : undefined);
  if (!key)
    throw refuse(
      401,
      'UnknownEnrollment',
      `this enrollment has no MPX connection or relay channel with ${from}`,
    );
  const address = request.socket.remoteAddress?.replace(/^::ffff:/, '');
  if (
    !(await deps.application.policies.allowsIngressFrom(deps.db, {
      enrollmentId: from,
      ...(address ? { address } : {}),
    }))
  )
    throw refuse(
      403,
      'IngressNotAllowed',
      `no ingress policy of this enrollment admits ${from} (from ${address ?? 'an unknown address'})`,
    );
  const mpx = await findMpxConnection(deps.db, from);
  if (mpx?.localDirection && !mayAccept(mpx.localDirection))
    throw refuse(
      403,
      'DirectionNotAllowed',
      `this side's MPX connection with ${from} is egress only: it opens requests and accepts none`,
    );
  return { from, to, key, firstContact: known === undefined, date, nonce, signature };
}

/**
 * Checks, once the body is read, that the sender's key signed this request over it, and that its
 * nonce was never seen (replays refused). Answers the sender's enrollment id.
 */
export async function verifyFederationBody(
  request: FastifyRequest,
  sender: FederationSender,
  rawBody: string,
  deps: { db: Db; authClock: Clock },
): Promise<string> {
  const { from, to, key, date, nonce, signature } = sender;
  const parts = { method: request.method, pathAndQuery: request.url, from, to, date, nonce, body: rawBody };
  if (!verifyRequestSignature(key, parts, signature))
    throw refuse(401, 'SignatureMismatch', 'the request signature does not match the sender key');
  if (!(await rememberNonce(deps.db, `${from}:${nonce}`, deps.authClock.now())))
    throw refuse(401, 'Replayed', 'this request was received before (nonce reused)');
  return from;
}
