import { adminEn } from './messages/admin.en';
import { peerManagerEn } from './messages/peer-manager.en';
import { vpcEn } from './messages/vpc.en';

/**
 * English messages: the reference catalogue. Every key here must be in every other catalogue
 * (zh-CN.ts is typed `Messages`, so a missing or extra key fails `npm run typecheck`).
 *
 * Keys are `area.name`: `nav.*` navigation, `action.*` and `term.*` the shared Peer Manager
 * vocabulary (screens reuse these rather than inventing synonyms), `page.<page>.*` one page's
 * text, `error.*` API errors. `{name}` is replaced by the parameter of that name.
 */
export const en = {
  'app.name': 'Peerlink',
  'app.console': 'Console',
  'app.loading': 'Loading…',
  'app.skipToContent': 'Skip to content',

  'language.label': 'Language',

  'nav.label': 'Main navigation',
  'nav.peerManager': 'Peer Manager',
  'nav.network': 'Network',
  'nav.policies': 'Policies',
  'nav.spaces': 'Spaces',
  'nav.data': 'Data',
  'nav.vpcPeering': 'VPC peering',
  'nav.settings': 'Settings',

  'user.signedInAs': 'Signed in as {username}',
  'user.admin': 'Administrator',

  'auth.title': 'Log in to Peerlink',
  'auth.intro':
    'Use your Peerlink user. The first administrator is "admin"; its password was printed when the server first started.',
  'auth.username': 'Username',
  'auth.password': 'Password',
  'auth.login': 'Log in',
  'auth.loggingIn': 'Logging in…',
  'auth.logout': 'Log out',
  'auth.sessionEnded': 'Your session has ended. Log in again to continue.',
  'auth.missingFields': 'Enter your username and password.',

  // The Peer Manager's own words for its main actions and objects.
  'action.createPeerRequest': 'Create a peer request',
  'action.copyInviteCode': 'Copy invite code',
  'action.enterInviteCode': 'Enter invite code',
  'action.setSecurity': 'Set security',
  'action.approveRequest': 'Approve request',
  'action.activate': 'Activate',
  'action.retry': 'Try again',
  'term.peerConnections': 'Peer connections',
  'term.networkConnections': 'Network connections',
  'term.policies': 'Policies',
  'term.spaces': 'Spaces',
  'term.platformTitle': 'Platform title',
  'term.enrollmentId': 'Enrollment ID',

  'common.close': 'Close',
  'common.comingSoon': 'This screen is being built.',
  'common.cliMeanwhile': 'Until it arrives, the command line does it:',

  'page.peerManager.intro':
    'Peer requests, and the peer connections between your spaces and other Peerlink deployments.',
  'page.peerManager.empty.title': 'No peer connections yet',
  'page.peerManager.empty.body':
    'A space manager creates a peer request and sends its invite code to the other deployment, whose administrator enters it, sets security and approves; then the connection is activated.',

  'page.network.intro':
    'How this deployment reaches other deployments: MPX connections or a file data relay.',
  'page.network.empty.title': 'No network connections yet',
  'page.network.empty.body':
    'Both deployments need a network connection before any peer request: each administrator creates an MPX invite and enters the code the other sends, or sets up a data relay when there is no network path.',

  'page.policies.intro':
    'Ingress and egress policies: which other deployments may reach this one, and which it may reach.',

  'page.spaces.intro': 'Spaces hold the data you peer, each with its managers.',
  'page.spaces.empty.title': 'No spaces to show yet',

  'page.settings.intro': 'This deployment as other deployments see it.',
  'page.settings.noTitle.title': 'No platform title yet',
  'page.settings.noTitle.body':
    'Peers see this title, and it must be set before any peer request. An administrator sets it.',

  'page.notFound.title': 'Page not found',
  'page.notFound.body': 'Nothing lives at this address. Choose a page from the navigation.',

  // Errors: a translated title by reason (most specific), else by code; the API's detail text follows.
  'error.title.generic': 'The request failed',
  'error.title.network': 'Cannot reach the Peerlink server',
  'error.requestId': 'Request ID: {id}',
  'error.reason.InvalidLogin': 'Wrong username or password',
  'error.reason.SessionExpired': 'Your session has expired',
  'error.reason.SessionRequired': 'Please log in',
  'error.reason.PasswordTooShort': 'The password is too short',
  'error.code.BadRequest': 'The request is not valid',
  'error.code.Unauthorized': 'Please log in again',
  'error.code.AccessDenied': 'You are not allowed to do this',
  'error.code.NoSuchObject': 'Not found',
  'error.code.OperationDenied': 'This is not allowed right now',
  'error.code.LimitExceeded': 'A limit has been reached',
  'error.code.InternalError': 'The server failed',
  'error.code.ServiceUnavailable': 'The server is busy; try again',
  ...peerManagerEn,
  ...vpcEn,
  ...adminEn,
} as const satisfies Record<string, string>;

export type MessageKey = keyof typeof en;
/** A complete catalogue: every key of `en`, no other. */
export type Messages = { readonly [K in MessageKey]: string };
