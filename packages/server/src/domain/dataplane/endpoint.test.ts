import { describe, expect, it } from 'vitest';
import { domainRefusal } from '../../testing/domain-errors.js';
import { allocateAddress, checkEndpointName, endpointFqdn, subnetGateway, vpcZone } from './endpoint.js';

const subnet = (cidr: string) => ({ id: 'sbn-a', cidr });

describe('endpoint addresses', () => {
  it('start after the network address and the gateway', () => {
    expect(subnetGateway('10.1.0.0/24')).toBe('10.1.0.1');
    expect(allocateAddress(subnet('10.1.0.0/24'), [])).toBe('10.1.0.2');
  });

  it('take the lowest free address, filling holes left by deleted endpoints', () => {
    expect(allocateAddress(subnet('10.1.0.0/24'), ['10.1.0.2', '10.1.0.3'])).toBe('10.1.0.4');
    expect(allocateAddress(subnet('10.1.0.0/24'), ['10.1.0.3', '10.1.0.2', '10.1.0.5'])).toBe('10.1.0.4');
  });

  it('never hand out the broadcast address, and are refused when the subnet is full', () => {
    // A /29 holds 8 addresses: network, gateway, 5 for endpoints, broadcast.
    const taken = ['10.1.0.2', '10.1.0.3', '10.1.0.4', '10.1.0.5'];
    expect(allocateAddress(subnet('10.1.0.0/29'), taken)).toBe('10.1.0.6');
    const error = domainRefusal(() => allocateAddress(subnet('10.1.0.0/29'), [...taken, '10.1.0.6']));
    expect([error.kind, error.reason]).toEqual(['LimitExceeded', 'SubnetAddressesExhausted']);
  });

  it('cross octet boundaries', () => {
    expect(subnetGateway('192.168.0.0/16')).toBe('192.168.0.1');
    const taken = Array.from({ length: 254 }, (_, i) => `192.168.0.${i + 2}`);
    expect(allocateAddress(subnet('192.168.0.0/16'), taken)).toBe('192.168.1.0');
  });
});

describe('endpoint names', () => {
  it('are DNS labels in lower case', () => {
    for (const good of ['web', 'web-1', 'a', '0db', 'x'.repeat(63)])
      expect(checkEndpointName(good)).toBe(good);
    for (const bad of ['', 'Web', '-web', 'web-', 'we_b', 'a.b', 'x'.repeat(64), 'wéb']) {
      expect(domainRefusal(() => checkEndpointName(bad)).reason, bad).toBe('InvalidEndpointName');
    }
  });

  it('resolve as <name>.<vpcId>.internal', () => {
    expect(vpcZone('vpc-0abc')).toBe('vpc-0abc.internal');
    expect(endpointFqdn({ name: 'web', vpcId: 'vpc-0abc' })).toBe('web.vpc-0abc.internal');
  });
});
