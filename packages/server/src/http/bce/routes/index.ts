import type { RouteRegistration } from '../../route-registration.js';
import { peerConnActions } from './peerconn/actions.js';
import { createPeerConn } from './peerconn/create.js';
import { switchPeerConnDeleteProtect } from './peerconn/delete-protect.js';
import { getPeerConn } from './peerconn/get.js';
import { listPeerConns } from './peerconn/list.js';
import { releasePeerConn } from './peerconn/release.js';
import { createRouteRule } from './route/create-rule.js';
import { deleteRouteRule } from './route/delete-rule.js';
import { getRouteTable } from './route/get-table.js';
import { listRouteRules } from './route/list-rules.js';
import { updateRouteRule } from './route/update-rule.js';
import { createSubnet } from './subnet/create.js';
import { deleteSubnet } from './subnet/delete.js';
import { getSubnet } from './subnet/get.js';
import { listSubnets } from './subnet/list.js';
import { updateSubnet } from './subnet/update.js';
import { createVpc } from './vpc/create.js';
import { deleteVpc } from './vpc/delete.js';
import { getVpc } from './vpc/get.js';
import { listVpcs } from './vpc/list.js';
import { switchVpcRelay } from './vpc/relay.js';
import { updateVpc } from './vpc/update.js';

/** Every BCE-compatible operation Peerlink serves. */
export const BCE_ROUTES: RouteRegistration[] = [
  createVpc,
  listVpcs,
  getVpc,
  updateVpc,
  deleteVpc,
  switchVpcRelay,
  createSubnet,
  listSubnets,
  getSubnet,
  updateSubnet,
  deleteSubnet,
  getRouteTable,
  createRouteRule,
  listRouteRules,
  updateRouteRule,
  deleteRouteRule,
  createPeerConn,
  listPeerConns,
  getPeerConn,
  peerConnActions,
  releasePeerConn,
  switchPeerConnDeleteProtect,
];
