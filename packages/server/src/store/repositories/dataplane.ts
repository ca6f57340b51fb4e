import type { Endpoint } from '../../domain/dataplane/endpoint.js';
import type { PeerConn } from '../../domain/peerconn/model.js';
import type { Db } from '../database.js';
import { transact } from '../transact.js';
import { allEndpoints } from './endpoints.js';
import { peerConnsNotFinished } from './peer-conns.js';

/** What the dataplane's desired state is built from: one consistent read of the network's rows. */
export interface DataplaneRows {
  vpcs: { id: string; accountId: string; region: string; cidr: string }[];
  subnets: { id: string; vpcId: string; cidr: string }[];
  /** Route rules whose next hop is a peer connection interface (`qpif-…`). */
  peerRoutes: { vpcId: string; destination: string; nexthopId: string }[];
  endpoints: Endpoint[];
  /** Connections not finished (see peerConnsNotFinished), as stored: not yet brought up to now. */
  peerConns: PeerConn[];
}

/** Reads everything in one transaction, so that the state is one moment's, never half of a change. */
export function readDataplaneRows(db: Db): Promise<DataplaneRows> {
  return transact(db, async (tx) => {
    const vpcs = await tx
      .selectFrom('vpcs')
      .select(['id', 'account_id', 'region', 'cidr'])
      .orderBy('id')
      .execute();
    const subnets = await tx.selectFrom('subnets').select(['id', 'vpc_id', 'cidr']).orderBy('id').execute();
    const routes = await tx
      .selectFrom('route_rules')
      .innerJoin('route_tables', 'route_tables.id', 'route_rules.route_table_id')
      .select(['route_tables.vpc_id', 'route_rules.destination_address', 'route_rules.nexthop_id'])
      .where('route_rules.nexthop_type', '=', 'peerConn')
      .orderBy('route_rules.id')
      .execute();
    return {
      vpcs: vpcs.map((v) => ({ id: v.id, accountId: v.account_id, region: v.region, cidr: v.cidr })),
      subnets: subnets.map((s) => ({ id: s.id, vpcId: s.vpc_id, cidr: s.cidr })),
      peerRoutes: routes.map((r) => ({
        vpcId: r.vpc_id,
        destination: r.destination_address,
        nexthopId: r.nexthop_id,
      })),
      endpoints: await allEndpoints(tx),
      peerConns: await peerConnsNotFinished(tx),
    };
  });
}
