import { BceServiceError } from '../errors.js';
import { paginate } from '../paginate.js';
import { type ClientConfig, newClientToken, type QueryValue, SignedTransport } from '../transport.js';
import type { Idempotent } from '../types.js';
import { type WaitOptions, waitForStatus } from '../wait.js';
import type {
  Billing,
  CreatePeerConnArgs,
  DnsStatus,
  ListPeerConnArgs,
  ListPeerConnResult,
  ModifyPeerConnArgs,
  PeerConn,
  PeerConnEvents,
  PeerConnRole,
  PeerConnStatus,
} from './peerconn-types.js';

/** Statuses a connection does not leave by itself. */
const TERMINAL_STATUSES: PeerConnStatus[] = ['consult_failed', 'deleted', 'expired', 'error'];

/**
 * The BCE peer connection API (`/v1/peerconn`), with the method names of Baidu's Java
 * `PeerConnClient`.
 */
export class PeerConnClient {
  private readonly transport: SignedTransport;

  constructor(config: ClientConfig) {
    this.transport = new SignedTransport(config);
  }

  private put(
    id: string,
    query: Record<string, QueryValue>,
    clientToken: string | undefined,
    body?: unknown,
  ) {
    return this.transport.send<void>('PUT', `/v1/peerconn/${encodeURIComponent(id)}`, {
      query: { ...query, clientToken: clientToken ?? newClientToken() },
      ...(body !== undefined ? { body } : {}),
    });
  }

  /** Creates a connection; same-account connections become active, cross-account ones wait for the acceptor. */
  createPeerConn({ clientToken, ...body }: CreatePeerConnArgs): Promise<{ peerConnId: string }> {
    return this.transport.send('POST', '/v1/peerconn', {
      query: { clientToken: clientToken ?? newClientToken() },
      body,
    });
  }

  /** One page of the ends the caller owns in this region, optionally only those in one VPC. */
  listPeerConn(args: ListPeerConnArgs = {}): Promise<ListPeerConnResult> {
    return this.transport.send('GET', '/v1/peerconn', { query: { ...args } });
  }

  /** One end's view; `role` picks the end when the caller owns both. */
  getPeerConn(peerConnId: string, role?: PeerConnRole): Promise<PeerConn> {
    return this.transport.send('GET', `/v1/peerconn/${encodeURIComponent(peerConnId)}`, { query: { role } });
  }

  /** Renames or re-describes the caller's own end. */
  modifyPeerConn(peerConnId: string, { clientToken, ...body }: ModifyPeerConnArgs): Promise<void> {
    return this.put(peerConnId, {}, clientToken, body);
  }

  accept(peerConnId: string, { clientToken }: Idempotent = {}): Promise<void> {
    return this.put(peerConnId, { accept: true }, clientToken);
  }

  reject(peerConnId: string, { clientToken }: Idempotent = {}): Promise<void> {
    return this.put(peerConnId, { reject: true }, clientToken);
  }

  release(peerConnId: string, { clientToken }: Idempotent = {}): Promise<void> {
    return this.transport.send('DELETE', `/v1/peerconn/${encodeURIComponent(peerConnId)}`, {
      query: { clientToken: clientToken ?? newClientToken() },
    });
  }

  /** Bandwidth resize, under the source document's spelling. */
  modifyBandwith(
    peerConnId: string,
    newBandwidthInMbps: number,
    { clientToken }: Idempotent = {},
  ): Promise<void> {
    return this.put(peerConnId, { resize: true }, clientToken, { newBandwidthInMbps });
  }

  /** Bandwidth resize (correctly spelled alias of `modifyBandwith`). */
  modifyBandwidth(peerConnId: string, newBandwidthInMbps: number, options: Idempotent = {}): Promise<void> {
    return this.modifyBandwith(peerConnId, newBandwidthInMbps, options);
  }

  /** Renews a prepaid connection. */
  purchaseReserved(peerConnId: string, billing: Billing, { clientToken }: Idempotent = {}): Promise<void> {
    return this.put(peerConnId, { purchaseReserved: true }, clientToken, { billing });
  }

  openSyncDns(peerConnId: string, role: PeerConnRole, { clientToken }: Idempotent = {}): Promise<void> {
    return this.put(peerConnId, { open: true, role }, clientToken);
  }

  closeSyncDns(peerConnId: string, role: PeerConnRole, { clientToken }: Idempotent = {}): Promise<void> {
    return this.put(peerConnId, { close: true, role }, clientToken);
  }

  switchDeleteProtect(
    peerConnId: string,
    deleteProtect: boolean,
    { clientToken }: Idempotent = {},
  ): Promise<void> {
    return this.transport.send('PUT', `/v1/peerconn/${encodeURIComponent(peerConnId)}/deleteProtect`, {
      query: { clientToken: clientToken ?? newClientToken() },
      body: { deleteProtect },
    });
  }

  /** Every end the caller owns in this region (optionally in one VPC), across all pages. */
  paginatePeerConns(args: Omit<ListPeerConnArgs, 'marker'> = {}): AsyncGenerator<PeerConn, void, undefined> {
    return paginate(
      (marker) => this.listPeerConn({ ...args, ...(marker ? { marker } : {}) }),
      (page) => page.peerConns,
    );
  }

  /**
   * Polls until the connection reaches one of `status`. Waiting for `deleted` also ends when the
   * connection is gone (answering undefined); reaching a status it cannot leave (consult_failed,
   * deleted, expired, error) ends the wait with a WaiterError.
   */
  async waitUntilPeerConnStatus(
    peerConnId: string,
    status: PeerConnStatus | PeerConnStatus[],
    options: WaitOptions & { role?: PeerConnRole } = {},
  ): Promise<PeerConn | undefined> {
    const targets: string[] = Array.isArray(status) ? status : [status];
    const gone = { status: 'deleted' } as PeerConn;
    const result = await waitForStatus(
      async () => {
        try {
          return await this.getPeerConn(peerConnId, options.role);
        } catch (error) {
          if (
            error instanceof BceServiceError &&
            error.code === 'NoSuchObject' &&
            targets.includes('deleted')
          )
            return gone;
          throw error;
        }
      },
      (conn) => conn.status,
      targets,
      TERMINAL_STATUSES.filter((terminal) => !targets.includes(terminal)),
      options,
    );
    return result === gone ? undefined : result;
  }

  /** Polls until one end's DNS sync status is `status` (`open` or `close`). */
  waitUntilDnsStatus(
    peerConnId: string,
    role: PeerConnRole,
    status: DnsStatus,
    options: WaitOptions = {},
  ): Promise<PeerConn> {
    return waitForStatus(
      () => this.getPeerConn(peerConnId, role),
      (conn) => conn.dnsStatus,
      [status],
      [],
      options,
    ) as Promise<PeerConn>;
  }

  /**
   * The connection's history, oldest first: every state change with who made it and when. A
   * Peerlink extension (`GET /api/v1/peerconns/{id}/events`), signed like the BCE calls; errors are
   * PeerlinkApiError. The caller must own one of its ends in this region (else 404).
   */
  listEvents(peerConnId: string): Promise<PeerConnEvents> {
    return this.transport.send('GET', `/api/v1/peerconns/${encodeURIComponent(peerConnId)}/events`);
  }

  /** Unsubscribes a prepaid connection (then released). */
  refund(peerConnId: string, { clientToken }: Idempotent = {}): Promise<void> {
    return this.put(peerConnId, { refund: true }, clientToken);
  }
}
