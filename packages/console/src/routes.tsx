import type { ComponentType } from 'react';
import type { MessageKey } from './i18n';
import { DataPage } from './pages/DataPage';
import { NetworkPage } from './pages/NetworkPage';
import { PeerManagerPage } from './pages/PeerManagerPage';
import { PoliciesPage } from './pages/PoliciesPage';
import { SettingsPage } from './pages/SettingsPage';
import { SpacesPage } from './pages/SpacesPage';
import { SpaceDetailPage } from './pages/spaces/SpaceDetailPage';
import { VpcPeeringPage } from './pages/VpcPeeringPage';
import { CreatePeerConnPage } from './pages/vpc/CreatePeerConnPage';
import { PeerConnDetailPage } from './pages/vpc/PeerConnDetailPage';
import { VpcRoutesPage } from './pages/vpc/VpcRoutesPage';
import { VpcsPage } from './pages/vpc/VpcsPage';
import { matchPath, type Params } from './router';

/**
 * The console's screens. A new screen is a component in src/pages/ and an entry here: `path`
 * (console path; `:name` segments reach the page through `useParams()`), `label` (an i18n key;
 * it also titles the browser tab), and `nav: true` to list it in the navigation, in this order.
 * Detail screens (`/spaces/:spaceId`) leave `nav` out and set `section` to the path of the
 * navigation entry they belong to, which stays highlighted.
 */
export interface ConsoleRoute {
  path: string;
  label: MessageKey;
  component: ComponentType;
  nav?: boolean;
  section?: string;
}

export const ROUTES: readonly ConsoleRoute[] = [
  { path: '/', label: 'nav.peerManager', component: PeerManagerPage, nav: true },
  { path: '/network', label: 'nav.network', component: NetworkPage, nav: true },
  { path: '/policies', label: 'nav.policies', component: PoliciesPage, nav: true },
  { path: '/spaces', label: 'nav.spaces', component: SpacesPage, nav: true },
  { path: '/spaces/:spaceId', label: 'nav.spaces', component: SpaceDetailPage, section: '/spaces' },
  { path: '/data', label: 'nav.data', component: DataPage, nav: true },
  { path: '/vpc-peering', label: 'nav.vpcPeering', component: VpcPeeringPage, nav: true },
  // VPC peering screens; the fixed paths before `/vpc-peering/:peerConnId`, which would match them.
  { path: '/vpc-peering/vpcs', label: 'page.vpc.vpcs.title', component: VpcsPage, section: '/vpc-peering' },
  {
    path: '/vpc-peering/vpcs/:vpcId',
    label: 'page.vpc.routes.table',
    component: VpcRoutesPage,
    section: '/vpc-peering',
  },
  {
    path: '/vpc-peering/create',
    label: 'page.vpc.create.title',
    component: CreatePeerConnPage,
    section: '/vpc-peering',
  },
  {
    path: '/vpc-peering/:peerConnId',
    label: 'page.vpc.field.peerConn',
    component: PeerConnDetailPage,
    section: '/vpc-peering',
  },
  { path: '/settings', label: 'nav.settings', component: SettingsPage, nav: true },
];

export function findRoute(path: string): { route: ConsoleRoute; params: Params } | undefined {
  for (const route of ROUTES) {
    const params = matchPath(route.path, path);
    if (params) return { route, params };
  }
  return undefined;
}
