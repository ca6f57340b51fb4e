/** Per-account limits, configurable; defaults follow reference R19. */
export interface Quotas {
  vpcsPerRegion: number;
  subnetsPerVpc: number;
  routeRulesPerTable: number;
}

export const DEFAULT_QUOTAS: Quotas = { vpcsPerRegion: 10, subnetsPerVpc: 100, routeRulesPerTable: 50 };
