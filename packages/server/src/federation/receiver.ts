import type { Clock } from '../clock.js';
import { DomainError } from '../domain/errors.js';
import { nestsDeeperThan } from '../json-depth.js';
import type { Db, Executor } from '../store/database.js';
import { findInboxEntry, insertInboxEntry } from '../store/repositories/outbox.js';
import { transact } from '../store/transact.js';
import { type Envelope, envelopeProblem } from './envelope.js';
import type { MessageBodies, MessageKind } from './messages.js';
import type { Refusal } from './refusals.js';

/** Applies one message in the receiver's transaction; answers a short outcome for the inbox. */
export type MessageHandler<K extends MessageKind> = (
  tx: Executor,
  from: string,
  body: MessageBodies[K],
) => Promise<string>;

export interface ReceiveResult {
  acknowledged: string[];
  /** Why the first unacknowledged message was not applied. */
  error?: string;
  /**
   * The message itself is wrong (signature, checksum, addressee): it will never apply. Otherwise
   * the failure was this side's (a database error) and the same message may apply later.
   */
  permanent?: boolean;
  /**
   * Acknowledged messages the domain refused, and why: the push endpoint signs them and answers
   * them to the sender, whose administrator would otherwise never learn of it.
   */
  refused?: Refusal[];
}

/**
 * Applies messages from other enrollments exactly once: each is checked (sender, recipient,
 * checksum, signature by the key this side knows for the sender), then applied in one
 * transaction together with its inbox entry, so a message that arrives twice (a retried push, a
 * file copied twice) changes nothing the second time. Messages are applied in the order given and
 * the first that cannot be applied stops the batch, so a remote's messages never overtake each
 * other. A message the domain refuses is acknowledged with its refusal: sending it again cannot
 * help.
 */
export class Receiver {
  private readonly handlers = new Map<string, MessageHandler<MessageKind>>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly selfId: () => Promise<string>,
    private readonly knownKey: (db: Executor, enrollmentId: string) => Promise<string | undefined>,
  ) {}

  on<K extends MessageKind>(kind: K, handler: MessageHandler<K>): void {
    this.handlers.set(kind, handler as unknown as MessageHandler<MessageKind>);
  }

  async accept(from: string, envelopes: Envelope[]): Promise<ReceiveResult> {
    const self = await this.selfId();
    const acknowledged: string[] = [];
    const refused: Refusal[] = [];
    const result = (rest: Omit<ReceiveResult, 'acknowledged' | 'refused'> = {}): ReceiveResult => ({
      acknowledged,
      ...rest,
      ...(refused.length > 0 ? { refused } : {}),
    });
    for (const envelope of envelopes) {
      const problem = await this.check(self, from, envelope);
      if (problem) return result({ error: `message ${envelope.id}: ${problem}`, permanent: true });
      // Between messages, let waiting requests in: on SQLite a transaction runs without yielding,
      // and a push of many large chunks would otherwise keep this server from answering anyone.
      if (acknowledged.length > 0) await new Promise((resolve) => setImmediate(resolve));
      let refusal: Omit<Refusal, 'messageId'> | undefined;
      try {
        refusal = await this.apply(from, envelope);
      } catch (error) {
        return result({ error: `message ${envelope.id}: ${(error as Error).message}` });
      }
      acknowledged.push(envelope.id);
      if (refusal) refused.push({ messageId: envelope.id, ...refusal });
    }
    return result();
  }

  private async check(self: string, from: string, envelope: Envelope): Promise<string | undefined> {
    if (envelope.from !== from) return `sent by ${envelope.from}, not by ${from}`;
    if (envelope.to !== self) return `addressed to ${envelope.to}, not to this enrollment (${self})`;
    let key = await this.knownKey(this.db, from);
    if (!key && envelope.kind === 'mpx.entered') {
      // First contact: the notice carries the key; it is trusted because it quotes the secret
      // nonce of an invite this side generated (checked when it is applied).
      key = parseBody<'mpx.entered'>(envelope)?.senderKey;
    }
    if (!key)
      return `this enrollment knows no key for ${from}: there is no MPX connection or relay channel with it`;
    return envelopeProblem(envelope, key);
  }

  /** Applies one message; answers the domain's refusal of it, if it was (or had been) refused. */
  private async apply(from: string, envelope: Envelope): Promise<Omit<Refusal, 'messageId'> | undefined> {
    const now = this.clock.now();
    const entry = (outcome: string) => ({
      messageId: envelope.id,
      remoteEnrollmentId: from,
      kind: envelope.kind,
      receivedAt: now,
      outcome,
    });
    try {
      return await transact(this.db, async (tx) => {
        const seen = await findInboxEntry(tx, envelope.id);
        // A push sent again (its answer was lost) gets the same refusal as the first time.
        if (seen) return refusalOf(seen.outcome);
        const handler = this.handlers.get(envelope.kind);
        if (!handler)
          throw new DomainError('BadRequest', 'UnknownMessageKind', `unknown message kind ${envelope.kind}`);
        const body = parseBody(envelope);
        if (!body)
          throw new DomainError('BadRequest', 'InvalidMessage', 'the message body is not a JSON object');
        const outcome = await handler(tx, from, body);
        await insertInboxEntry(tx, entry(outcome));
        return undefined;
      });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      await transact(this.db, async (tx) => {
        if (!(await findInboxEntry(tx, envelope.id)))
          await insertInboxEntry(tx, entry(`refused ${error.reason}: ${error.message}`));
      });
      return { reason: error.reason, message: error.message };
    }
  }
}

/** The refusal an inbox outcome records (`refused <reason>: <message>`), if it is one. */
function refusalOf(outcome: string): Omit<Refusal, 'messageId'> | undefined {
  const match = /^refused (\S+): ([\s\S]*)$/.exec(outcome);
  return match ? { reason: match[1]!, message: match[2]! } : undefined;
}

function parseBody<K extends MessageKind>(envelope: Envelope): MessageBodies[K] | undefined {
  // Handlers walk bodies recursively (canonical JSON, checks): deep nesting is no valid message.
  if (nestsDeeperThan(envelope.body)) return undefined;
  try {
    const body = JSON.parse(envelope.body) as unknown;
    return typeof body === 'object' && body !== null ? (body as MessageBodies[K]) : undefined;
  } catch {
    return undefined;
  }
}
