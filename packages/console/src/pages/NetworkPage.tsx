import type { MpxConnection, MpxInvite, RelayChannel } from '@peerlink/sdk';
import { api, useApiQuery } from '../api';
import { Loading } from '../components/Loading';
import { Page } from '../components/Page';
import { usePolledQuery } from '../components/usePolledQuery';
import { useT } from '../i18n';
import { useUser } from '../session';
import { IdentityCard } from './network/IdentityCard';
import { MpxSection } from './network/MpxSection';
import { RelaySection } from './network/RelaySection';
import { firstLoad } from './network/ui';

/** How often the network lists (status, health) are read again while visible. */
const POLL_MS = 3000;

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
  // Status and health change on their own: read again while the page is visible.
  const poll = { intervalMs: user.isAdmin ? POLL_MS : undefined };
  const invites = usePolledQuery(user.isAdmin ? loadInvites : noInvites, poll);
  const connections = usePolledQuery(user.isAdmin ? loadConnections : noConnections, poll);
  const channels = usePolledQuery(user.isAdmin ? loadChannels : noChannels, poll);

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
