import type { MpxConnection, MpxInvite, RelayChannel } from '@peerlink/sdk';
import { useCallback } from 'react';
import { api, useApiQuery } from '../api';
import { Loading } from '../components/Loading';
import { Page } from '../components/Page';
import { useT } from '../i18n';
import { useUser } from '../session';
import { IdentityCard } from './network/IdentityCard';
import { MpxSection } from './network/MpxSection';
import { RelaySection } from './network/RelaySection';
import { firstLoad, usePolling } from './network/ui';

// Stable (module level), as useApiQuery wants. Anyone may read the identity; the rest is for
// administrators, so others read nothing.
const loadIdentity = () => api.peerManager.getIdentity();
const loadInvites = () => api.peerManager.listMpxInvites();
const loadConnections = () => api.peerManager.listMpxConnections();
const loadChannels = () => api.peerManager.listRelayChannels();
const noInvites = async () => ({ invites: [] as MpxInvite[] });
const noConnections = async () => ({ connections: [] as MpxConnection[] });
const noChannels = async () => ({ channels: [] as RelayChannel[] });

/**
 * Network connections: this enrollment's identity card, MPX invites and connections, data relay
 * channels. MPX and relay are for enrollment administrators; their lists are read again every few
 * seconds while the page is visible, so status and health stay current.
 */
export function NetworkPage() {
  const t = useT();
  const user = useUser();
  const identity = useApiQuery(loadIdentity);
  const invites = useApiQuery(user.isAdmin ? loadInvites : noInvites);
  const connections = useApiQuery(user.isAdmin ? loadConnections : noConnections);
  const channels = useApiQuery(user.isAdmin ? loadChannels : noChannels);
  const { reload: reloadInvites } = invites;
  const { reload: reloadConnections } = connections;
  const { reload: reloadChannels } = channels;
  const reloadAll = useCallback(() => {
    reloadInvites();
    reloadConnections();
    reloadChannels();
  }, [reloadInvites, reloadConnections, reloadChannels]);
  usePolling(reloadAll, user.isAdmin);

  return (
    <Page title={t('term.networkConnections')} intro={t('page.network.intro')}>
      {firstLoad(identity, invites, connections, channels) ? (
        <Loading />
      ) : (
        <>
          <IdentityCard identity={identity} />
          {user.isAdmin ? (
            <>
              <MpxSection invites={invites} connections={connections} />
              <RelaySection channels={channels} />
            </>
          ) : (
            <p className="notice" role="note">
              {t('page.network.adminOnly')}
            </p>
          )}
        </>
      )}
    </Page>
  );
}
