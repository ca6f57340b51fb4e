import { type ClientConfig, newClientToken, type QueryValue, SignedTransport } from '../transport.js';
import type { Idempotent } from '../types.js';
import type {
  Billing,
  CreatePeerConnArgs,
  ListPeerConnArgs,
  ListPeerConnResult,
  ModifyPeerConnArgs,
  PeerConn,
  PeerConnRole,
} from './peerconn-types.js';

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

  /** Unsubscribes a prepaid connection (then released). */
  refund(peerConnId: string, { clientToken }: Idempotent = {}): Promise<void> {
    return this.put(peerConnId, { refund: true }, clientToken);
  }
}
