/** Per-account limits, configurable; defaults follow reference R19. */
export interface Quotas {
  vpcsPerRegion: number;
  subnetsPerVpc: number;
  routeRulesPerTable: number;
  /** Reference R15: 10 peer connections per VPC and 10 per account. */
  peerConnsPerVpc: number;
  peerConnsPerAccount: number;
}

export const DEFAULT_QUOTAS: Quotas = {
  vpcsPerRegion: 10,
  subnetsPerVpc: 100,
  routeRulesPerTable: 50,
  peerConnsPerVpc: 10,
  peerConnsPerAccount: 10,
};
