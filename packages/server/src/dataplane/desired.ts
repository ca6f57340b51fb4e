import { endpointFqdn, subnetGateway, vpcZone } from '../domain/dataplane/endpoint.js';
import { advancePeerConn } from '../domain/peerconn/advance.js';
import { endOf, type PeerConn, type PeerConnTimings, ROLES } from '../domain/peerconn/model.js';
import type { Db } from '../store/database.js';
import { type DataplaneRows, readDataplaneRows } from '../store/repositories/dataplane.js';
import type { DesiredEndpoint, DesiredLink, DesiredState, DesiredVpc } from './model.js';

/**
 * Whether a connection carries traffic: active, or being resized or updated on its way back to
 * active (a resize changes the rate in place, so established flows go on through it).
 */
function carriesTraffic(conn: PeerConn): boolean {
  return conn.status === 'active' || (conn.status === 'updating' && conn.nextStatus === 'active');
}

/**
 * The connections carrying traffic as of `now`: a stored row may carry a due change the reconciler
 * has not applied yet (a step over, a prepaid period ended), and the dataplane follows what reads show.
 */
function carryingTrafficAsOf(conns: readonly PeerConn[], now: number, timings: PeerConnTimings): PeerConn[] {
  return conns.flatMap((stored) => {
    const advanced = advancePeerConn(stored, now, timings);
    return !advanced.purge && carriesTraffic(advanced.conn) ? [advanced.conn] : [];
  });
}

/**
 * The network as the database says it should be at `now` (pure): every VPC with its subnets, its
 * routes through active connections and its DNS names; every endpoint; a link per active
 * connection.
 */
export function buildDesiredState(rows: DataplaneRows, now: number, timings: PeerConnTimings): DesiredState {
  const vpcIds = new Set(rows.vpcs.map((vpc) => vpc.id));
  const active = carryingTrafficAsOf(rows.peerConns, now, timings).filter(
    (conn) => vpcIds.has(conn.initiator.vpcId) && vpcIds.has(conn.acceptor.vpcId),
  );
  const connOfInterface = new Map<string, { conn: PeerConn; vpcId: string }>();
  for (const conn of active)
    for (const role of ROLES) {
      const end = endOf(conn, role);
      connOfInterface.set(end.ifId, { conn, vpcId: end.vpcId });
    }
  const subnetById = new Map(rows.subnets.map((subnet) => [subnet.id, subnet]));
  const endpointsOf = (vpcId: string) => rows.endpoints.filter((ep) => ep.vpcId === vpcId);

  const vpcs: DesiredVpc[] = rows.vpcs.map((vpc) => {
    const dns: Record<string, string> = {};
    for (const ep of endpointsOf(vpc.id)) dns[endpointFqdn(ep)] = ep.ip;
    // The peer's names, while DNS sync is open on this VPC's own end of the connection.
    for (const conn of active)
      for (const role of ROLES) {
        const mine = endOf(conn, role);
        const theirs = endOf(conn, role === 'initiator' ? 'acceptor' : 'initiator');
        if (mine.vpcId !== vpc.id || mine.dnsStatus !== 'open') continue;
        for (const ep of endpointsOf(theirs.vpcId)) dns[endpointFqdn(ep)] = ep.ip;
      }
    return {
      vpcId: vpc.id,
      cidr: vpc.cidr,
      subnets: rows.subnets
        .filter((subnet) => subnet.vpcId === vpc.id)
        .map((subnet) => ({ subnetId: subnet.id, cidr: subnet.cidr, gateway: subnetGateway(subnet.cidr) })),
      // A rule leaves through this VPC's own interface of an active connection; others wait.
      routes: rows.peerRoutes
        .filter((route) => route.vpcId === vpc.id && connOfInterface.get(route.nexthopId)?.vpcId === vpc.id)
        .map((route) => ({
          destination: route.destination,
          peerConnId: connOfInterface.get(route.nexthopId)!.conn.id,
        })),
      dns,
      dnsZone: vpcZone(vpc.id),
    };
  });

  const endpoints: DesiredEndpoint[] = rows.endpoints.flatMap((ep) => {
    const subnet = subnetById.get(ep.subnetId);
    if (!subnet || !vpcIds.has(ep.vpcId)) return [];
    const prefix = subnet.cidr.split('/')[1];
    return [
      {
        endpointId: ep.id,
        vpcId: ep.vpcId,
        subnetId: ep.subnetId,
        address: `${ep.ip}/${prefix}`,
        gateway: subnetGateway(subnet.cidr),
      },
    ];
  });

  const links: DesiredLink[] = active.map((conn) => ({
    peerConnId: conn.id,
    vpcIds: [conn.initiator.vpcId, conn.acceptor.vpcId],
    bandwidthMbps: conn.bandwidthInMbps,
  }));

  return { vpcs, endpoints, links };
}

/** One database read, mapped. */
export async function computeDesiredState(
  db: Db,
  now: number,
  timings: PeerConnTimings,
): Promise<{ rows: DataplaneRows; desired: DesiredState }> {
  const rows = await readDataplaneRows(db);
  return { rows, desired: buildDesiredState(rows, now, timings) };
}
