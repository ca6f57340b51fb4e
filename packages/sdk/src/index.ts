export { bceTimestamp, type Credentials, type SignInput, signRequest, uriEncode } from './auth/bce-signer.js';
export {
  DataplaneClient,
  type DataplaneEndpoint,
  type DataplaneEndpointPage,
  type DataplaneItemState,
  type DataplaneItemStatus,
  type DataplaneStatus,
} from './clients/dataplane-client.js';
export * from './clients/peer-manager-client.js';
export { PeerConnClient } from './clients/peerconn-client.js';
export type * from './clients/peerconn-types.js';
export {
  type Account,
  type AuditEvent,
  type CreatedUser,
  type EgressRule,
  type EnrollmentInfo,
  type IngressRule,
  type LoginResult,
  type NewCredentials,
  type NewEgressRule,
  type NewIngressRule,
  type NewToken,
  PeerlinkClient,
  type PolicyRulePage,
  type Space,
  type TokenInfo,
  type User,
} from './clients/peerlink-client.js';
export { RouteClient } from './clients/route-client.js';
export {
  type Conflict,
  type Marking,
  type ObjectTypeView,
  type ReplicationJob,
  SpaceDataClient,
  type SpaceFile,
  type SpaceObject,
  type TypeMapping,
} from './clients/space-data-client.js';
export { SubnetClient } from './clients/subnet-client.js';
export { VpcClient } from './clients/vpc-client.js';
export { BceServiceError, NetworkError, PeerlinkApiError, WaiterError } from './errors.js';
export { paginate } from './paginate.js';
export type { RetryOptions } from './retry.js';
export {
  type ClientConfig,
  newClientToken,
  type QueryValue,
  type RequestOptions,
  SignedTransport,
} from './transport.js';
export type * from './types.js';
export { type WaitOptions, waitForStatus } from './wait.js';
