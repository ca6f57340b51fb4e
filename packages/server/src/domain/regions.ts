/** The regions of Baidu AI Cloud's VPC service that Peerlink serves (reference §5.1 and the issue). */
export const REGIONS = ['bj', 'gz', 'su', 'fsh', 'hkg', 'bd', 'hb-fsg', 'fwh', 'sin', 'bjfsg', 'cd'] as const;

export type Region = (typeof REGIONS)[number];

export function isRegion(value: string): value is Region {
  return (REGIONS as readonly string[]).includes(value);
}
