/** Wire types of the BCE VPC, subnet and route APIs, as Peerlink and Baidu AI Cloud answer them. */

export interface TagModel {
  tagKey: string;
  tagValue: string;
}

/** The envelope of every BCE list. */
export interface ListPage {
  marker?: string;
  isTruncated: boolean;
  nextMarker?: string;
  maxKeys: number;
}

export interface ListArgs {
  marker?: string;
  maxKeys?: number;
}

/** Every mutating call takes a client token; one is generated when not given. */
export interface Idempotent {
  clientToken?: string;
}

export interface Vpc {
  vpcId: string;
  name: string;
  cidr: string;
  ipv6Cidr: string;
  createdTime: string;
  description: string;
  isDefault: boolean;
  secondaryCidr: string[];
  tags: TagModel[];
}

export interface Subnet {
  subnetId: string;
  name: string;
  zoneName: string;
  cidr: string;
  ipv6Cidr: string;
  vpcId: string;
  subnetType: string;
  description: string;
  createdTime: string;
  availableIp: number;
  tags: TagModel[];
}

export interface ShowVpcModel extends Vpc {
  relay: boolean;
  subnets: Subnet[];
}

export interface CreateVpcArgs extends Idempotent {
  name: string;
  cidr: string;
  description?: string;
  enableIpv6?: boolean;
  tags?: TagModel[];
}

export interface UpdateVpcArgs extends Idempotent {
  name?: string;
  description?: string;
  enableIpv6?: boolean;
  secondaryCidr?: string[];
}

export interface ListVpcArgs extends ListArgs {
  isDefault?: boolean;
  vpcIds?: string[];
}

export interface CreateSubnetArgs extends Idempotent {
  name: string;
  zoneName: string;
  cidr: string;
  vpcId: string;
  subnetType?: string;
  description?: string;
  tags?: TagModel[];
}

export interface ListSubnetArgs extends ListArgs {
  vpcId?: string;
  zoneName?: string;
  subnetType?: string;
}

export interface RouteRule {
  routeRuleId: string;
  routeTableId: string;
  sourceAddress: string;
  destinationAddress: string;
  nexthopId: string;
  nexthopType: string;
  description: string;
  pathType: string;
}

export interface RouteTable {
  routeTableId: string;
  name: string;
  vpcId: string;
  routeRules: RouteRule[];
}

/** A route table is named by its id or by its VPC's id. */
export type RouteTableRef = { routeTableId: string } | { vpcId: string };

export interface CreateRouteRuleArgs extends Idempotent {
  routeTableId: string;
  sourceAddress: string;
  destinationAddress: string;
  nexthopId: string;
  nexthopType: string;
  description?: string;
}

export interface UpdateRouteRuleArgs extends Idempotent {
  sourceAddress?: string;
  destinationAddress?: string;
  nexthopId?: string;
  description?: string;
}
