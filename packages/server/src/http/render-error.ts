import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HttpError } from './errors.js';

export const BCE_JSON = 'application/json;charset=UTF-8';

export function isFederationPath(url: string): boolean {
  return url.startsWith('/federation/');
}

/** Peerlink's own APIs (the user-facing /api and the server-to-server /federation) answer problem+json. */
export function isPeerlinkApi(url: string): boolean {
  return url === '/api' || url.startsWith('/api/') || isFederationPath(url);
}

/**
 * Errors answer in the format of the API that was called: RFC 9457 problem+json for the Peerlink
 * API, `{code, message, requestId}` for the BCE API (every BCE SDK needs all three keys).
 */
export function renderError(request: FastifyRequest, reply: FastifyReply, error: HttpError): FastifyReply {
  reply.status(error.status);
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  if (isPeerlinkApi(request.url)) {
    return reply.type('application/problem+json').send({
      type: `urn:peerlink:error:${error.reason ?? error.code}`,
      title: error.code,
      status: error.status,
      detail: error.message,
      code: error.code,
      ...(error.reason ? { reason: error.reason } : {}),
      requestId: request.id,
    });
  }
  return reply.type(BCE_JSON).send({
    code: error.code,
    message: error.message,
    requestId: request.id,
    ...(error.reason ? { reason: error.reason } : {}),
  });
}
