import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TIMINGS,
  type DnsStatus,
  type PeerConn,
  type PeerConnStatus,
} from '../domain/peerconn/model.js';
import type { DataplaneRows } from '../store/repositories/dataplane.js';
import { buildDesiredState } from './desired.js';

const NOW = Date.UTC(2026, 0, 1);
const A = 'vpc-a00000000001';
const B = 'vpc-b00000000001';

function conn(
  status: PeerConnStatus,
  extra: Partial<PeerConn> = {},
  dns: { initiator?: DnsStatus; acceptor?: DnsStatus } = {},
): PeerConn {
  const end = (role: 'initiator' | 'acceptor', vpcId: string, ifId: string) => ({
    role,
    accountId: role === 'initiator' ? 'acc-a' : 'acc-b',
    region: 'bj' as const,
    vpcId,
    ifId,
    ifName: '',
    description: '',
    dnsStatus: dns[role] ?? ('close' as const),
    dnsDueAt: null,
  });
  return {
    id: 'peerconn-000000000001',
    status,
    nextStatus: null,
    statusDueAt: null,
    bandwidthInMbps: 20,
    paymentTiming: 'Postpaid',
    reservationMonths: null,
    expiresAt: null,
    consultDeadline: null,
    deleteProtect: false,
    tags: [],
    createdAt: NOW - 1000,
    deletedAt: null,
    initiator: end('initiator', A, 'qpif-a00000000001'),
    acceptor: end('acceptor', B, 'qpif-b00000000001'),
    ...extra,
  };
}

function rows(peerConns: PeerConn[]): DataplaneRows {
  return {
    vpcs: [
      { id: A, accountId: 'acc-a', region: 'bj', cidr: '10.1.0.0/16' },
      { id: B, accountId: 'acc-b', region: 'bj', cidr: '10.2.0.0/16' },
    ],
    subnets: [
      { id: 'sbn-a00000000001', vpcId: A, cidr: '10.1.0.0/24' },
      { id: 'sbn-b00000000001', vpcId: B, cidr: '10.2.0.0/24' },
    ],
    peerRoutes: [
      { vpcId: A, destination: '10.2.0.0/16', nexthopId: 'qpif-a00000000001' },
      { vpcId: B, destination: '10.1.0.0/16', nexthopId: 'qpif-b00000000001' },
      // Not this VPC's interface: never programmed.
      { vpcId: A, destination: '10.2.9.0/24', nexthopId: 'qpif-b00000000001' },
    ],
    endpoints: [
      ep('ep-a00000000001', A, 'sbn-a00000000001', 'web', '10.1.0.2'),
      ep('ep-b00000000001', B, 'sbn-b00000000001', 'db', '10.2.0.2'),
    ],
    peerConns,
  };
}

function ep(id: string, vpcId: string, subnetId: string, name: string, ip: string) {
  return { id, accountId: 'acc-a', region: 'bj' as const, vpcId, subnetId, name, ip, createdAt: 1 };
}

const build = (conns: PeerConn[], now = NOW) => buildDesiredState(rows(conns), now, DEFAULT_TIMINGS);

describe('desired state', () => {
  it('has every VPC with its subnets (gateway = first usable), its endpoints and their own names', () => {
    const desired = build([]);
    expect(desired.vpcs.map((v) => v.vpcId)).toEqual([A, B]);
    expect(desired.vpcs[0]).toEqual({
      vpcId: A,
      cidr: '10.1.0.0/16',
      subnets: [{ subnetId: 'sbn-a00000000001', cidr: '10.1.0.0/24', gateway: '10.1.0.1' }],
      routes: [],
      dns: { [`web.${A}.internal`]: '10.1.0.2' },
      dnsZone: `${A}.internal`,
    });
    expect(desired.endpoints).toEqual([
      {
        endpointId: 'ep-a00000000001',
        vpcId: A,
        subnetId: 'sbn-a00000000001',
        address: '10.1.0.2/24',
        gateway: '10.1.0.1',
      },
      {
        endpointId: 'ep-b00000000001',
        vpcId: B,
        subnetId: 'sbn-b00000000001',
        address: '10.2.0.2/24',
        gateway: '10.2.0.1',
      },
    ]);
    expect(desired.links).toEqual([]);
  });

  it('links an active connection and programs the routes through its own interface', () => {
    const desired = build([conn('active')]);
    expect(desired.links).toEqual([
      { peerConnId: 'peerconn-000000000001', vpcIds: [A, B], bandwidthMbps: 20 },
    ]);
    expect(desired.vpcs[0]!.routes).toEqual([
      { destination: '10.2.0.0/16', peerConnId: 'peerconn-000000000001' },
    ]);
    expect(desired.vpcs[1]!.routes).toEqual([
      { destination: '10.1.0.0/16', peerConnId: 'peerconn-000000000001' },
    ]);
  });

  it.each<PeerConnStatus>(['creating', 'consulting', 'starting', 'updating', 'expired', 'down', 'deleting'])(
    'neither links nor routes a %s connection',
    (status) => {
      const desired = build([conn(status)]);
      expect(desired.links).toEqual([]);
      expect(desired.vpcs.flatMap((v) => v.routes)).toEqual([]);
    },
  );

  it('follows the effective status: a step already over is active, a period already ended is not', () => {
    const starting = conn('starting', { nextStatus: 'active', statusDueAt: NOW - 1 });
    expect(build([starting]).links).toHaveLength(1);
    expect(build([starting], NOW - 2).links).toEqual([]);
    const releasing = conn('active', { status: 'deleting', nextStatus: 'deleted', statusDueAt: NOW + 500 });
    expect(build([releasing]).links).toEqual([]);
    const prepaid = conn('active', { paymentTiming: 'Prepaid', reservationMonths: 1, expiresAt: NOW - 1 });
    expect(build([prepaid]).links).toEqual([]);
    expect(build([prepaid], NOW - 2).links).toHaveLength(1);
  });

  it('keeps the link through a resize, at the new rate, so established flows go on', () => {
    const resizing = conn('updating', { nextStatus: 'active', statusDueAt: NOW + 500, bandwidthInMbps: 50 });
    expect(build([resizing]).links).toEqual([expect.objectContaining({ bandwidthMbps: 50 })]);
    // An update of a connection that was not carrying traffic does not bring a link up meanwhile.
    const updatingDown = conn('updating', { nextStatus: 'down', statusDueAt: NOW + 500 });
    expect(build([updatingDown]).links).toEqual([]);
  });

  it("adds the peer's names only on the side whose DNS sync is open, and only while active", () => {
    const openOnA = build([conn('active', {}, { initiator: 'open', acceptor: 'syncing' })]);
    expect(openOnA.vpcs[0]!.dns).toEqual({
      [`web.${A}.internal`]: '10.1.0.2',
      [`db.${B}.internal`]: '10.2.0.2',
    });
    expect(openOnA.vpcs[1]!.dns).toEqual({ [`db.${B}.internal`]: '10.2.0.2' });
    const dueOpen = conn('active', {
      acceptor: { ...conn('active').acceptor, dnsStatus: 'syncing', dnsDueAt: NOW - 1 },
    });
    expect(build([dueOpen]).vpcs[1]!.dns).toEqual({
      [`db.${B}.internal`]: '10.2.0.2',
      [`web.${A}.internal`]: '10.1.0.2',
    });
    const notActive = build([conn('expired', {}, { initiator: 'open', acceptor: 'open' })]);
    expect(notActive.vpcs[0]!.dns).toEqual({ [`web.${A}.internal`]: '10.1.0.2' });
  });
});
