// Getting started with @peerlink/sdk: a VPC, a subnet and a route rule.
// Run against a server:  PEERLINK_AK=… PEERLINK_SK=… node examples/create-vpc.mjs
import { RouteClient, SubnetClient, VpcClient } from '@peerlink/sdk';

const config = {
  endpoint: process.env.PEERLINK_ENDPOINT ?? 'http://127.0.0.1:8080',
  credentials: { ak: process.env.PEERLINK_AK, sk: process.env.PEERLINK_SK },
};
const vpcs = new VpcClient(config);
const subnets = new SubnetClient(config);
const routes = new RouteClient(config);

const { vpcId } = await vpcs.createVpc({
  name: 'getting-started',
  cidr: '10.10.0.0/16',
  description: 'first VPC',
});
const { subnetId } = await subnets.createSubnet({
  vpcId,
  name: 'web',
  zoneName: 'cn-bj-a',
  cidr: '10.10.1.0/24',
});
const { routeTableId } = await routes.getRouteTable({ vpcId });
await routes.createRouteRule({
  routeTableId,
  sourceAddress: '10.10.1.0/24',
  destinationAddress: '0.0.0.0/0',
  nexthopId: 'nat-gateway-1',
  nexthopType: 'nat',
  description: 'default route',
});

const vpc = await vpcs.getVpc(vpcId);
const table = await routes.getRouteTable({ vpcId });
console.log(JSON.stringify({ vpc, subnetId, routeRules: table.routeRules }, null, 2));
