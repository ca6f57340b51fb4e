/**
 * The VPC peering screens (pages/VpcPeeringPage.tsx, pages/vpc/): English, the reference for
 * vpc.zh-CN.ts. Spread into en.ts. The rules quoted are docs/peer-connections.md and
 * docs/api-compatibility.md.
 */
export const vpcEn = {
  'page.vpc.intro':
    'BCE-compatible VPC peer connections: join two VPCs, in one account or across accounts and regions, and route traffic through them.',
  'page.vpc.region': 'Region',
  'page.vpc.sections': 'VPC peering sections',
  'page.vpc.tab.peerConns': 'Peer connections',
  'page.vpc.tab.vpcs': 'VPCs and route tables',
  'page.vpc.backToList': 'All peer connections',
  'page.vpc.backToVpcs': 'All VPCs',
  'page.vpc.cancel': 'Cancel',
  'page.vpc.dismiss': 'Dismiss',
  'page.vpc.on': 'On',
  'page.vpc.off': 'Off',
  'page.vpc.mbps': '{n} Mbps',
  'page.vpc.months': '{n} month(s)',

  // The account access key.
  'page.vpc.key.title': 'Use access key',
  'page.vpc.key.why':
    'VPCs and peer connections belong to accounts, not to console users, and the BCE API accepts only requests signed with an account access key. Enter the access key of the account whose VPCs you manage.',
  'page.vpc.key.where':
    'Requests are signed here, in the page: the secret access key itself is never sent to the server.',
  'page.vpc.key.storage':
    'The key is kept in this browser tab only (session storage): it is forgotten when you log out, when your session ends, or when you close the tab.',
  'page.vpc.key.ak': 'Access key ID',
  'page.vpc.key.sk': 'Secret access key',
  'page.vpc.key.use': 'Use access key',
  'page.vpc.key.checking': 'Checking the key…',
  'page.vpc.key.missing': 'Enter both the access key ID and the secret access key.',
  'page.vpc.key.forget': 'Forget access key',
  'page.vpc.key.account': 'Account',
  'page.vpc.key.akShort': 'Access key ID',
  'page.vpc.key.noKey':
    'No access key? An administrator creates an account and its first key with the command line (the secret is shown once):',
  'page.vpc.key.insecure.title': 'This page cannot sign requests',
  'page.vpc.key.insecure.body':
    'Browsers offer the signing functions (WebCrypto) only to pages opened over HTTPS or from localhost. Open the console over HTTPS to manage VPC peering here, or use the peerlink command line.',

  // Words shared by the screens.
  'page.vpc.role.initiator': 'Initiator',
  'page.vpc.role.acceptor': 'Acceptor',
  'page.vpc.billing.prepaid': 'Prepaid',
  'page.vpc.billing.postpaid': 'Postpaid',
  'page.vpc.field.peerConn': 'Peer connection',
  'page.vpc.field.status': 'Status',
  'page.vpc.field.dataplane': 'Dataplane',
  'page.vpc.dataplane.programmed': 'Programmed',
  'page.vpc.dataplane.pending': 'Pending',
  'page.vpc.dataplane.error': 'Error',
  'page.vpc.dataplane.noLink': 'No link',
  'page.vpc.dataplane.reasonAttempts': '{reason} (failed {n} time(s); retrying)',
  'page.vpc.dataplane.driver': 'Driver: {driver}. Only active connections are programmed as links.',
  'page.vpc.field.role': 'Role',
  'page.vpc.field.localVpc': 'Local VPC',
  'page.vpc.field.peerEnd': 'Peer VPC, region, account',
  'page.vpc.field.bandwidth': 'Bandwidth',
  'page.vpc.field.bandwidthMbps': 'Bandwidth (Mbps)',
  'page.vpc.field.newBandwidth': 'New bandwidth (Mbps)',
  'page.vpc.field.billing': 'Billing',
  'page.vpc.field.reservation': 'Reservation length',
  'page.vpc.field.renewLength': 'Renewal length',
  'page.vpc.field.expires': 'Expires',
  'page.vpc.field.dns': 'DNS sync',
  'page.vpc.field.deleteProtect': 'Delete protection',
  'page.vpc.field.created': 'Created',
  'page.vpc.field.description': 'Description',
  'page.vpc.field.vpc': 'VPC',
  'page.vpc.field.vpcId': 'VPC ID',
  'page.vpc.field.vpcName': 'VPC name',
  'page.vpc.field.cidr': 'CIDR',
  'page.vpc.field.subnets': 'Subnets',
  'page.vpc.field.account': 'Account',
  'page.vpc.field.ifId': 'Interface ID',
  'page.vpc.field.ifName': 'Interface name',
  'page.vpc.field.localIfName': 'Local interface name (optional)',
  'page.vpc.field.peerIfName': 'Peer interface name (optional)',
  'page.vpc.field.peerAccountId': 'Peer account ID',
  'page.vpc.field.peerRegion': 'Peer region',
  'page.vpc.field.peerVpc': 'Peer VPC',
  'page.vpc.field.source': 'Source address',
  'page.vpc.field.destination': 'Destination address',
  'page.vpc.field.nexthop': 'Next hop',
  'page.vpc.field.nexthopPeerConn': 'Next hop (peer connection)',

  'page.vpc.status.creating': 'Creating',
  'page.vpc.status.consulting': 'Waiting for the acceptor',
  'page.vpc.status.consult_failed': 'Request failed',
  'page.vpc.status.active': 'Active',
  'page.vpc.status.down': 'Down',
  'page.vpc.status.starting': 'Starting',
  'page.vpc.status.stopping': 'Stopping',
  'page.vpc.status.deleting': 'Releasing',
  'page.vpc.status.deleted': 'Released',
  'page.vpc.status.expired': 'Expired',
  'page.vpc.status.error': 'Error',
  'page.vpc.status.updating': 'Updating',
  'page.vpc.status.unknown': 'Unknown',
  'page.vpc.dns.close': 'Closed',
  'page.vpc.dns.wait': 'Waiting',
  'page.vpc.dns.syncing': 'Opening (syncing)',
  'page.vpc.dns.open': 'Open',
  'page.vpc.dns.closing': 'Closing',

  'page.vpc.action.accept': 'Accept',
  'page.vpc.action.reject': 'Reject',
  'page.vpc.action.resize': 'Resize',
  'page.vpc.action.renew': 'Renew',
  'page.vpc.action.openDns': 'Open DNS sync',
  'page.vpc.action.closeDns': 'Close DNS sync',
  'page.vpc.action.release': 'Release',
  'page.vpc.action.refund': 'Refund',
  'page.vpc.action.save': 'Save',
  'page.vpc.action.delete': 'Delete',

  'page.vpc.done.accept': 'Accepted: the connection is starting.',
  'page.vpc.done.reject': 'Rejected: the request has failed for the initiator.',
  'page.vpc.done.resize': 'Resizing: the connection is updating.',
  'page.vpc.done.renew': 'Renewed: the paid period is extended.',
  'page.vpc.done.dnsOpen': 'Opening DNS sync.',
  'page.vpc.done.dnsClose': 'Closing DNS sync.',
  'page.vpc.done.protectOn': 'Delete protection is on.',
  'page.vpc.done.protectOff': 'Delete protection is off.',
  'page.vpc.done.release': 'Releasing the connection.',
  'page.vpc.done.refund': 'Refunded: the connection is being released.',
  'page.vpc.done.update': 'Saved: this end is updating.',
  'page.vpc.done.vpcCreated': 'VPC {id} created, with its route table.',
  'page.vpc.done.vpcDeleted': 'VPC {id} deleted.',
  'page.vpc.done.ruleAdded': 'Route rule added.',
  'page.vpc.done.ruleDeleted': 'Route rule {id} deleted.',

  // The list.
  'page.vpc.list.filters': 'Filter peer connections',
  'page.vpc.list.filterVpc': 'VPC',
  'page.vpc.list.filterStatus': 'Status',
  'page.vpc.list.allVpcs': 'All VPCs',
  'page.vpc.list.allStatuses': 'All statuses',
  'page.vpc.list.pages': 'Pages',
  'page.vpc.list.previous': 'Previous page',
  'page.vpc.list.next': 'Next page',
  'page.vpc.list.pageOf': 'Page {page} of {pages} ({count} in all)',
  'page.vpc.list.clearFilters': 'Show all peer connections',
  'page.vpc.list.empty.title': 'No peer connections yet',
  'page.vpc.list.empty.body':
    'Use “Create peer connection” above to connect a VPC of this account to another VPC of yours (it becomes active by itself) or to another account’s VPC (that account accepts it in its region). A request another account makes to you appears here too, waiting for you to accept it.',
  'page.vpc.list.noMatch.title': 'No peer connection matches',
  'page.vpc.list.noMatch.body':
    'Nothing matches these filters. Choose another VPC or status, or show them all.',
  'page.vpc.list.noVpcs.title': 'Create a VPC first',
  'page.vpc.list.noVpcs.body':
    'A peer connection joins two VPCs, and this account has none in this region yet. Create a VPC with a private CIDR block, then come back to connect it.',
  'page.vpc.list.noVpcs.action': 'Go to VPCs',

  // The detail.
  'page.vpc.detail.title': 'Peer connection {id}',
  'page.vpc.detail.viewEnd': 'Both ends are yours. Show the end of:',
  'page.vpc.detail.state': 'State and billing',
  'page.vpc.detail.inFlight': 'A step is in progress; this page follows it.',
  'page.vpc.detail.feesInitiator': 'Fees are paid by the initiator’s account.',
  'page.vpc.detail.expiresOnActive': 'Set when the connection becomes active',
  'page.vpc.detail.waitingForAcceptor':
    'Waiting for the acceptor account to accept in its region. A request not answered within 7 days fails.',
  'page.vpc.detail.consultFailed':
    'The request failed: the acceptor rejected it or did not answer within 7 days. Release it; the two VPCs can then be connected again.',
  'page.vpc.detail.released':
    'This connection is released: routes through it are gone. It stays visible for an hour.',
  'page.vpc.detail.expired':
    'The prepaid period is over and the connection is stopped. Renew it to revive it.',
  'page.vpc.detail.ends': 'Both ends',
  'page.vpc.detail.thisEnd': 'This end',
  'page.vpc.detail.otherEnd': 'Other end',
  'page.vpc.detail.you': 'you',
  'page.vpc.detail.notYours': 'Known to its owner only',
  'page.vpc.detail.actions': 'Actions',
  'page.vpc.detail.initiatorOnly':
    'This request comes from another account: only its initiator resizes, renews, switches delete protection or releases it.',
  'page.vpc.detail.answer.title': 'Answer the request',
  'page.vpc.detail.answer.hint':
    'Another account asks to connect its VPC to yours. Accepting makes it active; rejecting fails it for the initiator. Unanswered, it fails 7 days after it was made.',
  'page.vpc.detail.resize.title': 'Bandwidth',
  'page.vpc.detail.resize.hint': 'A whole number from {min} to {max} Mbps, while the connection is active.',
  'page.vpc.detail.resize.prepaid': 'Prepaid bandwidth can only grow.',
  'page.vpc.detail.onlyActive': 'Not possible now: the connection is not active.',
  'page.vpc.detail.renew.title': 'Renewal',
  'page.vpc.detail.renew.hint':
    'Prepaid only, while active or expired: extends the paid period from its end (or from now once expired) and revives an expired connection.',
  'page.vpc.detail.dns.title': 'DNS sync',
  'page.vpc.detail.dns.hint':
    'For this end ({role}) only, while the connection is active: lets this VPC resolve the other VPC’s private DNS names.',
  'page.vpc.detail.protect.hint': 'While it is on, the connection cannot be released.',
  'page.vpc.detail.update.title': 'This end',
  'page.vpc.detail.release.title': 'Release',
  'page.vpc.detail.release.hint':
    'Releasing deletes the connection and every route through either of its interfaces. An active prepaid connection cannot be released before it expires: refund it instead.',
  'page.vpc.detail.release.protected': 'Delete protection is on: switch it off first.',
  'page.vpc.detail.release.confirm':
    'Release {id}? The routes through it are deleted with it. This cannot be undone.',
  'page.vpc.detail.refund.confirm':
    'Refund {id}? The rest of the prepaid period is refunded and the connection is released, with its routes.',
  'page.vpc.detail.routeHint':
    'To send traffic through this connection, add a route rule in this VPC’s route table with next hop {ifId}.',
  'page.vpc.detail.routeLink': 'Open the route table',
  'page.vpc.detail.history': 'Status history',
  'page.vpc.detail.noHistory': 'Nothing recorded yet.',
  'page.vpc.detail.notFound.title': 'Peer connection not found',
  'page.vpc.detail.notFound.body':
    'No end of this connection belongs to this account in region {region}: the id is wrong, the connection belongs to another account or region, or it was released more than an hour ago.',
  'page.vpc.history.at': 'Time',
  'page.vpc.history.action': 'What happened',
  'page.vpc.history.change': 'Status',
  'page.vpc.history.actor': 'By',
  'page.vpc.history.system': 'Peerlink',
  'page.vpc.event.Create': 'Created',
  'page.vpc.event.Complete': 'Step completed',
  'page.vpc.event.Accept': 'Accepted',
  'page.vpc.event.Reject': 'Rejected',
  'page.vpc.event.ConsultTimeout': 'Not answered within 7 days',
  'page.vpc.event.Release': 'Release requested',
  'page.vpc.event.Refund': 'Refund requested',
  'page.vpc.event.Resize': 'Bandwidth changed',
  'page.vpc.event.Renew': 'Renewed',
  'page.vpc.event.Expire': 'Prepaid period ended',
  'page.vpc.event.OpenDnsSync': 'DNS sync opening',
  'page.vpc.event.CloseDnsSync': 'DNS sync closing',
  'page.vpc.event.DnsSyncComplete': 'DNS sync step completed',
  'page.vpc.event.SwitchDeleteProtect': 'Delete protection switched',
  'page.vpc.event.Update': 'End renamed or described',

  // The create wizard.
  'page.vpc.create.title': 'Create peer connection',
  'page.vpc.create.intro':
    'Connect a VPC of this account to another VPC: yours or another account’s, in this region or another.',
  'page.vpc.create.action': 'Create peer connection',
  'page.vpc.create.creating': 'Creating…',
  'page.vpc.create.step.local': '1. Local end (initiator)',
  'page.vpc.create.step.peer': '2. Peer end (acceptor)',
  'page.vpc.create.step.billing': '3. Bandwidth and billing',
  'page.vpc.create.thisRegion': 'this region',
  'page.vpc.create.choosePeerVpc': 'Choose a VPC…',
  'page.vpc.create.missing':
    'Fill in the local VPC, the peer VPC, the peer account ID (another account) and the bandwidth.',
  'page.vpc.create.rule.local':
    'The initiator VPC, in this region ({region}). A VPC takes part in at most 10 peer connections; this one has {count}.',
  'page.vpc.create.rule.sameAccount':
    'Both VPCs are yours: the connection is accepted automatically and becomes active by itself.',
  'page.vpc.create.rule.otherAccount':
    'The other account must accept the request, in the peer region, before the connection works. It waits for them in “Waiting for the acceptor” for 7 days, then fails.',
  'page.vpc.create.sameAccountPlaceholder': 'Empty: this account',
  'page.vpc.create.rule.peerAccountId':
    'Leave it empty to connect to another VPC of this account; otherwise enter the ID of the account that owns the peer VPC.',
  'page.vpc.create.rule.ownAccountTyped':
    'This is your own account: the connection will be a same-account one, accepted automatically.',
  'page.vpc.create.rule.sameRegion':
    'Both VPCs in this region: the connection can only be postpaid (free within a region).',
  'page.vpc.create.rule.otherRegion':
    'Across regions: postpaid or prepaid. Between the mainland and hkg or sin it is cross-border, and a prepaid one cannot be refunded.',
  'page.vpc.create.rule.peerVpc':
    'It must differ from the local VPC. Their CIDR blocks (primary and secondary) must not overlap, nor overlap a VPC already peered with either side: routes would be ambiguous. Only one connection joins two VPCs, and two relay VPCs cannot be peered.',
  'page.vpc.create.rule.onlyOneVpc':
    'This account has no other VPC in this region: create one, or choose another region or account.',
  'page.vpc.create.rule.peerIfName': 'Only between VPCs of one account.',
  'page.vpc.create.rule.bandwidth':
    'A whole number from {min} to {max} Mbps. It can be resized later (a prepaid connection’s only grows).',
  'page.vpc.create.rule.postpaidOnly': 'Postpaid only: both VPCs are in one region.',
  'page.vpc.create.rule.billing':
    'Fees are paid by the initiator. Prepaid: 1–9, 12, 24 or 36 months, counted from when the connection becomes active; it cannot be released before it expires (refund it instead). Postpaid: release at any time.',
  'page.vpc.create.rule.quota': 'An account may have started at most 10 live peer connections.',
  'page.vpc.create.warn.overlap': '{a} overlaps {b}: the server will refuse this pair (CidrOverlap).',
  'page.vpc.create.warn.pair':
    'These two VPCs are already connected: the server will refuse (PeerConnPairExists).',
  'page.vpc.create.noVpcs.title': 'Create a VPC first',
  'page.vpc.create.noVpcs.body':
    'A peer connection starts from a VPC of this account in this region, and there is none yet.',

  // VPCs.
  'page.vpc.vpcs.title': 'VPCs',
  'page.vpc.vpcs.intro':
    'The private networks (VPCs) of this account in this region, and their route tables.',
  'page.vpc.vpcs.createTitle': 'Create VPC',
  'page.vpc.vpcs.create': 'Create VPC',
  'page.vpc.vpcs.missing': 'Enter a VPC name and a CIDR block.',
  'page.vpc.vpcs.rule.name':
    'Starts with a letter (Chinese too), then letters, digits and - _ / . ; 1 to 65 characters; not “default”.',
  'page.vpc.vpcs.rule.cidr':
    'A private block inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16, with a mask from the range’s own (/8, /12, /16) to /28. Choose blocks that do not overlap the VPCs you will peer it with. At most 10 VPCs per region.',
  'page.vpc.vpcs.cidr.format': 'Write it as a.b.c.d/n, e.g. 10.1.0.0/16.',
  'page.vpc.vpcs.cidr.private': 'Not a private block: the server will refuse it (CidrNotPrivate).',
  'page.vpc.vpcs.cidr.mask': 'The mask is out of range: the server will refuse it (InvalidCidrMask).',
  'page.vpc.vpcs.cidr.hostBits': 'The address has host bits set: the server will refuse it (InvalidCidr).',
  'page.vpc.vpcs.listTitle': 'VPCs in {region}',
  'page.vpc.vpcs.empty.title': 'No VPCs yet',
  'page.vpc.vpcs.empty.body':
    'Create a VPC above with a name and a private CIDR block; then create a peer connection from it.',
  'page.vpc.vpcs.routes': 'Route table',
  'page.vpc.vpcs.routesOf': 'Route table of {name}',
  'page.vpc.vpcs.conns': 'Peer connections',
  'page.vpc.vpcs.connsOf': 'Peer connections of {name}',
  'page.vpc.vpcs.deleteNamed': 'Delete {name}',
  'page.vpc.vpcs.deleteConfirm': 'Delete VPC {name} ({id}) and its route table? This cannot be undone.',
  'page.vpc.vpcs.deleteRule':
    'A VPC can be deleted only once its subnets, route rules and peer connections are gone (released).',

  // A VPC's route table.
  'page.vpc.routes.title': 'VPC {id}',
  'page.vpc.routes.intro':
    'The VPC and its route table: rules that send traffic to a peer VPC through a peer connection.',
  'page.vpc.routes.table': 'Route table',
  'page.vpc.routes.noSubnets': 'None',
  'page.vpc.routes.connCount': '{n} in this VPC',
  'page.vpc.routes.noRules':
    'No route rules yet. Add one below to reach a peer VPC through an active peer connection.',
  'page.vpc.routes.viaPeerConn': 'Peer connection',
  'page.vpc.routes.deleteNamed': 'Delete the rule to {destination}',
  'page.vpc.routes.deleteConfirm': 'Delete the rule from {source} to {destination}?',
  'page.vpc.routes.addTitle': 'Add route rule',
  'page.vpc.routes.add': 'Add route rule',
  'page.vpc.routes.noActive':
    'This VPC has no active peer connection: a rule can only go through one. Create a peer connection (or wait for it to become active), then add the rule.',
  'page.vpc.routes.noActiveOption': 'No active peer connection',
  'page.vpc.routes.missing': 'Choose a peer connection and enter the source and destination addresses.',
  'page.vpc.routes.rule.nexthop': 'The interface of this VPC’s end of an active peer connection.',
  'page.vpc.routes.rule.source':
    '0.0.0.0/0 (all of this VPC), or a block inside one of its subnets: {subnets}.',
  'page.vpc.routes.rule.sourceNoSubnets': '0.0.0.0/0 (all of this VPC): it has no subnets to narrow it to.',
  'page.vpc.routes.rule.destinationKnown':
    'Inside the peer VPC’s blocks: {blocks}. It must not overlap this VPC.',
  'page.vpc.routes.rule.destinationVpc':
    'Inside the blocks of the peer VPC {vpc}; it must not overlap this VPC.',
  'page.vpc.routes.rule.destination': 'Inside the peer VPC’s blocks; it must not overlap this VPC.',
  'page.vpc.routes.rule.unique':
    'One rule per source and destination in a table; a table holds up to 50 rules (the default quota).',
  'page.vpc.routes.notFound.title': 'VPC not found',
  'page.vpc.routes.notFound.body': 'This account has no such VPC in region {region}.',

  // What to do about a refusal, by Peerlink's reason (or the BCE code).
  'page.vpc.reason.CidrOverlap': 'Choose VPCs whose CIDR blocks do not overlap.',
  'page.vpc.reason.PeerCidrConflict':
    'One side is already peered with a VPC whose blocks overlap the other side: routes would be ambiguous.',
  'page.vpc.reason.PeerConnPairExists': 'These two VPCs are already connected; open that connection instead.',
  'page.vpc.reason.SameVpc': 'Choose two different VPCs.',
  'page.vpc.reason.SameRegionPrepaid': 'Within one region a connection is postpaid: choose Postpaid.',
  'page.vpc.reason.InvalidBandwidth': 'Enter a whole number of Mbps from 1 to 10000.',
  'page.vpc.reason.AccountNotFound': 'Check the peer account ID.',
  'page.vpc.reason.PeerVpcNotFound':
    'Check the peer VPC ID, the peer region and the peer account: the VPC must be in that region and belong to that account.',
  'page.vpc.reason.VpcNotFound': 'The local VPC no longer exists; reload the page.',
  'page.vpc.reason.PeerIfNameCrossAccount':
    'Leave the peer interface name empty: only the other account names its end.',
  'page.vpc.reason.BothRelayVpcs': 'Two relay VPCs cannot be peered: choose another VPC.',
  'page.vpc.reason.PeerConnPerVpcQuotaExceeded': 'Release a peer connection of that VPC first (10 per VPC).',
  'page.vpc.reason.PeerConnPerAccountQuotaExceeded':
    'Release a peer connection this account started first (10 per account).',
  'page.vpc.reason.PeerConnBusy': 'A step is still in progress: try again in a moment.',
  'page.vpc.reason.DeleteProtected': 'Switch delete protection off, then release.',
  'page.vpc.reason.PrepaidNotExpired': 'Refund it instead, or wait until it expires.',
  'page.vpc.reason.InitiatorOnly': 'Only the initiator account can do this on a cross-account connection.',
  'page.vpc.reason.AcceptorOnly': 'Only the acceptor account answers a request, through its own region.',
  'page.vpc.reason.SameAccountAutoAccepted': 'A same-account connection is accepted automatically.',
  'page.vpc.reason.InvalidPeerConnStatus': 'The connection is not in a status that allows this.',
  'page.vpc.reason.PrepaidDowngrade': 'A prepaid connection’s bandwidth can only grow.',
  'page.vpc.reason.PostpaidNotRenewable': 'Only prepaid connections are renewed.',
  'page.vpc.reason.CrossBorderNotRefundable': 'A cross-border prepaid connection cannot be refunded.',
  'page.vpc.reason.DnsSyncAlreadyOpen': 'DNS sync is already open (or opening) for this end.',
  'page.vpc.reason.DnsSyncNotOpen': 'DNS sync is not open for this end.',
  'page.vpc.reason.VpcInUse':
    'Release its peer connections and delete its route rules and subnets first, then delete the VPC.',
  'page.vpc.reason.VpcQuotaExceeded': 'Delete a VPC first: an account has at most 10 VPCs per region.',
  'page.vpc.reason.CidrNotPrivate': 'Use a block inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16.',
  'page.vpc.reason.InvalidCidrMask': 'Use a mask from the private range’s own (/8, /12, /16) to /28.',
  'page.vpc.reason.InvalidCidr': 'Write the block as a.b.c.d/n with the host bits zero, e.g. 10.1.0.0/16.',
  'page.vpc.reason.InvalidName':
    'Start with a letter, then letters, digits and - _ / . (1 to 65 characters; not “default”).',
  'page.vpc.reason.PeerConnNotActive': 'Wait until the peer connection is active, then add the rule.',
  'page.vpc.reason.PeerConnInterfaceNotFound': 'Choose a peer connection of this VPC as the next hop.',
  'page.vpc.reason.DestinationOutsidePeerVpc': 'The destination must lie inside the peer VPC’s blocks.',
  'page.vpc.reason.SourceOutsideSubnets': 'Use 0.0.0.0/0 or a block inside one of this VPC’s subnets.',
  'page.vpc.reason.DestinationInsideVpc': 'The destination must not overlap this VPC’s own blocks.',
  'page.vpc.reason.RouteRuleExists': 'A rule with this source and destination already exists.',
  'page.vpc.code.InvalidAccessKeyId':
    'The access key ID is unknown (or was deleted): check it, or forget it and enter another.',
  'page.vpc.code.SignatureDoesNotMatch': 'The secret access key does not match the access key ID.',
  'page.vpc.code.RequestExpired':
    'This computer’s clock is too far from the server’s: set it right and try again.',
  'page.vpc.code.RequestTimeTooSkewed':
    'This computer’s clock is too far from the server’s: set it right and try again.',
} as const satisfies Record<`page.vpc.${string}`, string>;

/** A complete VPC catalogue in another language: every key of vpcEn, no other. */
export type VpcMessages = { readonly [K in keyof typeof vpcEn]: string };
