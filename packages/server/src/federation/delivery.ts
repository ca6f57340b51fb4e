import type { FastifyBaseLogger } from 'fastify';
import { hostOf, type PolicyChecks } from '../app/federation-ports.js';
import type { NetworkService } from '../app/network.js';
import type { Clock } from '../clock.js';
import { mayInitiate } from '../domain/peering/mpx.js';
import type { MpxConnection } from '../domain/peering/network.js';
import type { Db } from '../store/database.js';
import {
  findMpxConnection,
  listMpxConnections,
  listRelayChannels,
  recordMpxContact,
  recordMpxRefusal,
  recordRelayActivity,
  recordRelayRejection,
} from '../store/repositories/network.js';
import {
  leaseRemote,
  markAttemptFailed,
  markDelivered,
  type OutboxMessage,
  pendingMessages,
  remotesWithDueMessages,
} from '../store/repositories/outbox.js';
import { type Envelope, sealEnvelope } from './envelope.js';
import type { EnrollmentKey } from './keys.js';
import type { MpxClient } from './mpx-client.js';
import type { Receiver } from './receiver.js';
import { verifyRefusal } from './refusals.js';
import { readEnvelopeFiles, rejectRelayFile, removeRelayFile, writeEnvelopeFile } from './relay-files.js';

const BATCH = 100;
/** A push or a pull answer stops adding messages past this many bytes of bodies (always one at least). */
const BATCH_BYTES = 8 * 1024 * 1024;
/** While one replica sends a remote's messages, the others leave them alone this long. */
const LEASE_MS = 30_000;
/** How long messages wait before looking again for a remote that must collect them itself. */
const AWAIT_PULL_MS = 30_000;

/**
 * 1 s, 2 s, 4 s … up to `maxMs`, each a random point in the upper half of its bound; whole
 * milliseconds, as the outbox stores them (PostgreSQL refuses a fraction in a bigint column).
 */
export function backoffMs(attempts: number, maxMs: number): number {
  const bound = Math.min(1000 * 2 ** attempts, maxMs);
  return Math.round(bound / 2 + Math.random() * (bound / 2));
}

/** The first messages of `messages` whose bodies fit in `maxBytes` together, and at least one. */
export function boundedBatch(messages: OutboxMessage[], maxBytes = BATCH_BYTES): OutboxMessage[] {
  let bytes = 0;
  let count = 0;
  for (const message of messages) {
    bytes += message.body.length;
    if (count > 0 && bytes > maxBytes) break;
    count++;
  }
  return messages.slice(0, count);
}

export function sealMessage(key: EnrollmentKey, message: OutboxMessage): Envelope {
  return sealEnvelope(key, {
    id: message.id,
    to: message.remoteEnrollmentId,
    kind: message.kind,
    createdAt: message.createdAt,
    body: message.body,
  });
}

/**
 * Moves messages between enrollments, as reconciler tasks: pushes due outbox messages over MPX
 * when this side may open requests, writes them to a relay export channel otherwise; pulls from
 * remotes that cannot open requests to this side (ingress-only on their side); reads relay import
 * channels. Failures leave messages due again after a growing pause; nothing is lost on restart
 * because the state is the outbox rows and the files themselves.
 */
export class Delivery {
  private readonly lastPull = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly key: () => Promise<EnrollmentKey>,
    private readonly client: MpxClient,
    private readonly receiver: Receiver,
    private readonly network: NetworkService,
    private readonly policies: PolicyChecks,
    private readonly log: FastifyBaseLogger,
    private readonly timing: { pullIntervalMs: number; retryMaxMs: number },
  ) {}

  /** Sends what is due; answers how many messages were delivered. */
  async deliverDue(): Promise<number> {
    const now = this.clock.now();
    let delivered = 0;
    for (const remote of await remotesWithDueMessages(this.db, now)) {
      if (!(await leaseRemote(this.db, remote, now, LEASE_MS))) continue;
      const messages = boundedBatch(await pendingMessages(this.db, remote, BATCH));
      if (messages.length === 0) continue;
      try {
        delivered += await this.send(remote, messages);
      } catch (error) {
        const reason = (error as Error).message;
        const retryAt = this.clock.now() + backoffMs(messages[0]!.attempts, this.timing.retryMaxMs);
        await markAttemptFailed(this.db, remote, reason, retryAt, true);
        this.log.warn({ remote, err: error }, 'federation delivery failed; will retry');
      }
    }
    return delivered;
  }

  private async send(remote: string, messages: OutboxMessage[]): Promise<number> {
    const mpx = await findMpxConnection(this.db, remote);
    if (mpx?.enteredAt && mpx.localDirection && mayInitiate(mpx.localDirection) && mpx.remoteAddress)
      return this.push(mpx, messages);
    if (mpx?.localDirection === 'ingress') {
      await markAttemptFailed(
        this.db,
        remote,
        `waiting for ${remote} to collect its messages (this side is ingress only)`,
        this.clock.now() + AWAIT_PULL_MS,
        false,
      );
      return 0;
    }
    const channels = await listRelayChannels(this.db, { remoteEnrollmentId: remote, direction: 'export' });
    const views = await Promise.all(channels.map((channel) => this.network.viewRelay(channel)));
    const channel = views.find((view) => view.health === 'healthy');
    if (channel) return this.writeToRelay(channel.id, channel.path, messages);
    throw new Error(
      channels.length > 0
        ? `no healthy relay export channel to ${remote} (${views.map((v) => v.healthReason).join('; ')})`
        : `no network connection or relay channel to ${remote}`,
    );
  }

  private async push(mpx: MpxConnection, messages: OutboxMessage[]): Promise<number> {
    const remote = mpx.remoteEnrollmentId;
    const address = mpx.remoteAddress!;
    if (!(await this.policies.allowsEgressTo(this.db, { enrollmentId: remote, address: hostOf(address) })))
      throw new Error(`no egress policy lets this enrollment reach ${remote} at ${address}`);
    const key = await this.key();
    let acknowledged: string[];
    let refusals: unknown[] | undefined;
    try {
      ({ acknowledged, refusals } = await this.client.push(
        address,
        remote,
        messages.map((m) => sealMessage(key, m)),
        true,
      ));
    } catch (error) {
      await recordMpxContact(this.db, remote, { error: (error as Error).message });
      throw error;
    }
    const now = this.clock.now();
    const sent = new Set(messages.map((m) => m.id));
    await markDelivered(
      this.db,
      acknowledged.filter((id) => sent.has(id)),
      now,
      'mpx',
    );
    await recordMpxContact(this.db, remote, { okAt: now });
    if (Array.isArray(refusals)) await this.recordRefusals(mpx, key.enrollmentId, messages, refusals);
    if (acknowledged.length < messages.length)
      throw new Error(`${remote} applied ${acknowledged.length} of ${messages.length} messages`);
    return acknowledged.length;
  }

  /**
   * The remote acknowledged some messages but refused to apply them. Only refusals signed by the
   * key this side holds for the remote count (anyone could write the answer of a plain HTTP push);
   * a refused MPX notice makes the connection `refused`, with the reason for the administrator.
   */
  private async recordRefusals(
    mpx: MpxConnection,
    self: string,
    messages: OutboxMessage[],
    refusals: unknown[],
  ): Promise<void> {
    const remote = mpx.remoteEnrollmentId;
    const kinds = new Map(messages.map((m) => [m.id, m.kind]));
    for (const refusal of refusals) {
      if (!verifyRefusal(mpx.remotePublicKey, remote, self, refusal) || !kinds.has(refusal.messageId)) {
        this.log.warn({ remote }, 'federation push answer carried a refusal that does not verify; ignored');
        continue;
      }
      const kind = kinds.get(refusal.messageId);
      this.log.warn(
        { remote, kind, reason: refusal.reason },
        `${remote} refused a message: ${refusal.message}`,
      );
      if (kind === 'mpx.entered')
        await recordMpxRefusal(this.db, remote, {
          at: this.clock.now(),
          error: `${remote} refused this side's MPX notice (${refusal.reason}): ${refusal.message}`,
        });
    }
  }

  private async writeToRelay(channelId: string, dir: string, messages: OutboxMessage[]): Promise<number> {
    const key = await this.key();
    let written = 0;
    try {
      for (const message of messages) {
        await writeEnvelopeFile(dir, sealMessage(key, message));
        await markDelivered(this.db, [message.id], this.clock.now(), `relay:${channelId}`);
        written++;
      }
    } finally {
      if (written > 0)
        await recordRelayActivity(this.db, channelId, { okAt: this.clock.now(), messages: written });
    }
    return written;
  }

  /** Collects messages from remotes that are ingress only (this side egress only): they cannot push. */
  async pullDue(): Promise<number> {
    let applied = 0;
    const wall = Date.now();
    for (const mpx of await listMpxConnections(this.db)) {
      if (!mpx.enteredAt || mpx.localDirection !== 'egress' || !mpx.remoteAddress) continue;
      if (wall - (this.lastPull.get(mpx.remoteEnrollmentId) ?? 0) < this.timing.pullIntervalMs) continue;
      this.lastPull.set(mpx.remoteEnrollmentId, wall);
      applied += await this.pullFrom(mpx);
    }
    return applied;
  }

  /** Pulls now from one remote (also what `poke` after an enqueue leads to, through `pullDue`). */
  async pullFrom(mpx: MpxConnection): Promise<number> {
    const remote = mpx.remoteEnrollmentId;
    try {
      if (
        !(await this.policies.allowsEgressTo(this.db, {
          enrollmentId: remote,
          address: hostOf(mpx.remoteAddress),
        }))
      )
        throw new Error(`no egress policy lets this enrollment reach ${remote} at ${mpx.remoteAddress}`);
      const envelopes = await this.client.pull(mpx.remoteAddress!, remote);
      if (envelopes.length === 0) {
        await recordMpxContact(this.db, remote, { okAt: this.clock.now() });
        return 0;
      }
      const result = await this.receiver.accept(remote, envelopes);
      if (result.acknowledged.length > 0)
        await this.client.ack(mpx.remoteAddress!, remote, result.acknowledged);
      if (result.error) throw new Error(result.error);
      await recordMpxContact(this.db, remote, { okAt: this.clock.now() });
      return result.acknowledged.length;
    } catch (error) {
      await recordMpxContact(this.db, remote, { error: (error as Error).message });
      this.log.warn({ remote, err: error }, 'federation pull failed; will retry');
      return 0;
    }
  }

  /**
   * Sets a file that can never apply (forged, damaged, not for this enrollment) aside in
   * `rejected/` and counts it. The channel itself still works, so its health is unchanged.
   */
  private async reject(channelId: string, file: string, problem: string): Promise<void> {
    await rejectRelayFile(file);
    await recordRelayRejection(this.db, channelId);
    this.log.warn({ channel: channelId, file, problem }, 'relay message rejected');
  }

  /** Applies the message files waiting in every import channel. */
  async readRelays(): Promise<number> {
    let applied = 0;
    for (const channel of await listRelayChannels(this.db, { direction: 'import' })) {
      let files: Awaited<ReturnType<typeof readEnvelopeFiles>>;
      try {
        files = await readEnvelopeFiles(channel.path, BATCH);
      } catch (error) {
        await recordRelayActivity(this.db, channel.id, {
          error: `cannot read ${channel.path}: ${(error as Error).message}`,
        });
        continue;
      }
      let ok = 0;
      for (const file of files) {
        if ('problem' in file) {
          await this.reject(channel.id, file.file, file.problem);
          continue;
        }
        const result = await this.receiver.accept(channel.remoteEnrollmentId, [file.envelope]);
        if (result.acknowledged.length === 1) {
          await removeRelayFile(file.file);
          ok++;
        } else if (result.permanent) {
          await this.reject(channel.id, file.file, result.error ?? 'not applicable');
        } else {
          // This side failed (database); the file stays and is read again next tick, in order.
          this.log.warn(
            { channel: channel.id, error: result.error },
            'relay message not applied; will retry',
          );
          break;
        }
      }
      if (ok > 0) await recordRelayActivity(this.db, channel.id, { okAt: this.clock.now(), messages: ok });
      applied += ok;
    }
    return applied;
  }

  /** Pending messages to one remote, sealed, for a remote that collects them (served over MPX). */
  async sealedPending(remote: string): Promise<Envelope[]> {
    const key = await this.key();
    return boundedBatch(await pendingMessages(this.db, remote, BATCH)).map((message) =>
      sealMessage(key, message),
    );
  }

  async acknowledgePulled(remote: string, ids: string[]): Promise<number> {
    const pending = new Set((await pendingMessages(this.db, remote, BATCH * 10)).map((m) => m.id));
    const mine = ids.filter((id) => pending.has(id));
    await markDelivered(this.db, mine, this.clock.now(), 'mpx-pull');
    return mine.length;
  }
}
