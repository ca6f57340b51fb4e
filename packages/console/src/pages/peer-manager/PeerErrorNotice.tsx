import { PeerlinkApiError } from '@peerlink/sdk';
import { ErrorNotice } from '../../components/ErrorNotice';
import { type MessageKey, useT } from '../../i18n';

/**
 * The Peer Manager's refusals, in its own words: a translated title and, for the common ones, what
 * to do; then the API's detail text (which names what is missing, e.g. the network policy) and the
 * request id. Other errors read as in ErrorNotice.
 */
const REASONS: Record<string, { title: MessageKey; hint?: MessageKey }> = {
  NetworkPolicyMissing: {
    title: 'page.peerManager.reason.NetworkPolicyMissing',
    hint: 'page.peerManager.reason.NetworkPolicyMissing.hint',
  },
  NoTransport: {
    title: 'page.peerManager.reason.NoTransport',
    hint: 'page.peerManager.reason.NoTransport.hint',
  },
  PlatformTitleMissing: {
    title: 'page.peerManager.reason.PlatformTitleMissing',
    hint: 'page.peerManager.reason.PlatformTitleMissing.hint',
  },
  NotSpaceManager: {
    title: 'page.peerManager.reason.NotSpaceManager',
    hint: 'page.peerManager.reason.NotSpaceManager.hint',
  },
  InviteCodeInvalid: {
    title: 'page.peerManager.reason.InviteCodeInvalid',
    hint: 'page.peerManager.reason.InviteCodeInvalid.hint',
  },
  InviteExpired: {
    title: 'page.peerManager.reason.InviteExpired',
    hint: 'page.peerManager.reason.InviteExpired.hint',
  },
  InviteAlreadyUsed: { title: 'page.peerManager.reason.InviteAlreadyUsed' },
  InviteNotForThisEnrollment: { title: 'page.peerManager.reason.InviteNotForThisEnrollment' },
  OwnInviteCode: { title: 'page.peerManager.reason.OwnInviteCode' },
  InvalidRemoteEnrollment: { title: 'page.peerManager.reason.InvalidRemoteEnrollment' },
  InvalidDataTypes: { title: 'page.peerManager.reason.InvalidDataTypes' },
  InvalidSecurity: { title: 'page.peerManager.reason.InvalidSecurity' },
  InvalidExpiry: { title: 'page.peerManager.reason.InvalidExpiry' },
  OnlyOriginator: { title: 'page.peerManager.reason.OnlyOriginator' },
  InvalidPeeringState: { title: 'page.peerManager.reason.InvalidPeeringState' },
  ChangePending: { title: 'page.peerManager.reason.ChangePending' },
  NothingToChange: { title: 'page.peerManager.reason.NothingToChange' },
  OwnChangeRequest: { title: 'page.peerManager.reason.OwnChangeRequest' },
  ChangeDecided: { title: 'page.peerManager.reason.ChangeDecided' },
  NoSuchPeerConnection: { title: 'page.peerManager.reason.NoSuchPeerConnection' },
};

export function PeerErrorNotice({
  error,
  onRetry,
  reveal = false,
}: {
  error: unknown;
  onRetry?: () => void;
  /** Scrolls the notice into view when it appears (a refusal below the fold of a dialog). */
  reveal?: boolean;
}) {
  const t = useT();
  const known = error instanceof PeerlinkApiError && error.reason ? REASONS[error.reason] : undefined;
  return (
    <ErrorNotice
      error={error}
      onRetry={onRetry}
      reveal={reveal}
      {...(known ? { title: t(known.title) } : {})}
      {...(known?.hint ? { hint: t(known.hint) } : {})}
    />
  );
}
