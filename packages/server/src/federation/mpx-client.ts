import type { Envelope } from './envelope.js';
import type { EnrollmentKey } from './keys.js';
import { FEDERATION_HEADERS, signRequest } from './signing.js';

export const FEDERATION_MESSAGES_PATH = '/federation/v1/messages';
export const FEDERATION_ACK_PATH = '/federation/v1/messages/ack';
const TIMEOUT_MS = 10_000;

export interface PushResult {
  /** Messages the remote applied or had applied before (duplicates); in order. */
  acknowledged: string[];
  /** Signed refusals of acknowledged messages (federation/refusals.ts), unverified as received. */
  refusals?: unknown[];
}

/** The MPX client side: signed requests from this enrollment to a remote one's federation endpoints. */
export class MpxClient {
  constructor(
    private readonly key: () => Promise<EnrollmentKey>,
    private readonly wallClock: () => number,
    /** Aborted when the server closes: calls under way end at once instead of at their timeout. */
    private readonly closing: AbortSignal = new AbortController().signal,
  ) {}

  async push(address: string, to: string, envelopes: Envelope[], firstContact: boolean): Promise<PushResult> {
    return (await this.call(
      address,
      to,
      'POST',
      FEDERATION_MESSAGES_PATH,
      { messages: envelopes },
      firstContact,
    )) as PushResult;
  }

  /** Collects what the remote holds for this side (used when only this side may open requests). */
  async pull(address: string, to: string): Promise<Envelope[]> {
    const answer = (await this.call(address, to, 'GET', FEDERATION_MESSAGES_PATH)) as {
      messages: Envelope[];
    };
    return answer.messages;
  }

  async ack(address: string, to: string, ids: string[]): Promise<void> {
    await this.call(address, to, 'POST', FEDERATION_ACK_PATH, { ids });
  }

  private async call(
    address: string,
    to: string,
    method: 'GET' | 'POST',
    pathAndQuery: string,
    payload?: unknown,
    firstContact = false,
  ): Promise<unknown> {
    const key = await this.key();
    const body = payload === undefined ? '' : JSON.stringify(payload);
    const headers: Record<string, string> = {
      ...signRequest(key, { method, pathAndQuery, to, body, now: this.wallClock() }),
      ...(firstContact ? { [FEDERATION_HEADERS.key]: key.publicKey } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    };
    const response = await fetch(`${address}${pathAndQuery}`, {
      method,
      headers,
      ...(body ? { body } : {}),
      signal: AbortSignal.any([AbortSignal.timeout(TIMEOUT_MS), this.closing]),
    });
    const text = await response.text();
    if (!response.ok) {
      let detail = text.slice(0, 300);
      try {
        const problem = JSON.parse(text) as { detail?: string; reason?: string; code?: string };
        detail = `${problem.reason ?? problem.code ?? response.status}: ${problem.detail ?? ''}`;
      } catch {}
      throw new Error(`${address} answered ${response.status} (${detail})`);
    }
    return text ? JSON.parse(text) : {};
  }
}
