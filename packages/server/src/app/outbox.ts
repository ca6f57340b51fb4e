import type { Clock } from '../clock.js';
import type { MessageBodies, MessageKind } from '../federation/messages.js';
import type { Executor } from '../store/database.js';
import { insertOutboxMessage } from '../store/repositories/outbox.js';
import type { IdGenerator } from './ids.js';

/**
 * The transactional outbox: a use case that must tell another enrollment something writes the
 * message in its own transaction, so the message exists exactly when the change does. Delivery
 * (federation/delivery.ts) then retries it until the remote acknowledges it.
 */
export class Outbox {
  /** Called after a message is written, so that delivery starts without waiting for a tick. */
  onEnqueued: () => void = () => {};

  constructor(
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async enqueue<K extends MessageKind>(
    tx: Executor,
    to: string,
    kind: K,
    body: MessageBodies[K],
  ): Promise<string> {
    const id = this.ids.next('msg');
    await insertOutboxMessage(tx, {
      id,
      remoteEnrollmentId: to,
      kind,
      body: JSON.stringify(body),
      createdAt: this.clock.now(),
    });
    // The transaction has not committed yet: poke on the next turn, when it usually has.
    setImmediate(() => this.onEnqueued());
    return id;
  }

  async pendingCount(db: Executor, remoteEnrollmentId: string): Promise<number> {
    const row = await db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('remote_enrollment_id', '=', remoteEnrollmentId)
      .where('delivered_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
