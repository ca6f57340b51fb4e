import { useT } from '../i18n';
import { Link } from '../router';
import { PeerConnList } from './vpc/PeerConnList';
import { VpcScreen } from './vpc/VpcScreen';

/** BCE-compatible VPC peer connections (/v1/peerconn): the list, with filters and pages. */
export function VpcPeeringPage() {
  const t = useT();
  return (
    <VpcScreen
      title={t('nav.vpcPeering')}
      intro={t('page.vpc.intro')}
      actions={
        <Link to="/vpc-peering/create" className="button button-primary vpc-link-button">
          {t('page.vpc.create.action')}
        </Link>
      }
    >
      <PeerConnList />
    </VpcScreen>
  );
}
