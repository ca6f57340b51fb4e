import { noSuchObject } from '../domain/errors.js';
import type { Subnet } from '../domain/subnet.js';
import type { Vpc } from '../domain/vpc.js';
import type { Executor } from '../store/database.js';
import type { Scope } from '../store/repositories/scope.js';
import { findSubnet } from '../store/repositories/subnets.js';
import { findVpc } from '../store/repositories/vpcs.js';

/** Resources of another account or region are reported as missing, never as forbidden. */
export async function requireVpc(db: Executor, scope: Scope, vpcId: string): Promise<Vpc> {
  const vpc = await findVpc(db, scope, vpcId);
  if (!vpc) throw noSuchObject('VpcNotFound', `VPC ${vpcId} does not exist in region ${scope.region}`);
  return vpc;
}

export async function requireSubnet(db: Executor, scope: Scope, subnetId: string): Promise<Subnet> {
  const subnet = await findSubnet(db, scope, subnetId);
  if (!subnet)
    throw noSuchObject('SubnetNotFound', `subnet ${subnetId} does not exist in region ${scope.region}`);
  return subnet;
}
