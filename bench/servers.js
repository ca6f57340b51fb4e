// The servers under test, in this process: Peerlink itself and a bare Fastify ceiling.
import { createWriteStream } from 'node:fs';
import { PeerConnClient, PeerlinkClient, VpcClient } from '@peerlink/sdk';
import { resolveConfig, startServer } from '@peerlink/server';
import Fastify from 'fastify';

/** Quotas out of the way: the bench creates thousands of VPCs and connections in one account. */
const QUOTAS = { vpcsPerRegion: 1_000_000, peerConnsPerVpc: 1_000_000, peerConnsPerAccount: 1_000_000 };

/**
 * Peerlink on an ephemeral loopback port, with tenant accounts of its own (the administrator only
 * creates them; `credentials` are the first tenant's). `logs: true` keeps the default `info` level,
 * one JSON line per request, written to /dev/null; otherwise the server is silent. `regionPorts`
 * adds region listeners (`endpoints` has their URLs); `peerConnStepMs` overrides the 500 ms default
 * of each asynchronous peer connection step; `dataplane: { prefix }` runs the linux dataplane
 * (root only) with that prefix.
 */
export async function startPeerlink(
  dataDir,
  { logs = false, tenants = 1, regionPorts, peerConnStepMs, dataplane } = {},
) {
  const config = resolveConfig({
    flags: {
      dataDir,
      host: '127.0.0.1',
      port: 0,
      logLevel: logs ? 'info' : 'silent',
      quotas: QUOTAS,
      ...(regionPorts ? { regionPorts } : {}),
      ...(peerConnStepMs === undefined ? {} : { peerConnStepMs }),
      ...(dataplane ? { dataplane: 'linux', dataplanePrefix: dataplane.prefix } : {}),
    },
  });
  const server = await startServer(config, logs ? { logStream: createWriteStream('/dev/null') } : {});
  const url = server.endpoints.bj;
  const admin = server.createdAdmin;
  const adminClient = new PeerlinkClient({
    endpoint: url,
    credentials: { ak: admin.accessKeyId, sk: admin.secretAccessKey },
  });
  const accounts = [];
  for (let i = 0; i < tenants; i++) {
    const tenant = await adminClient.createAccount({ name: `bench-${i}` });
    accounts.push({
      accountId: tenant.accountId,
      credentials: { ak: tenant.accessKeyId, sk: tenant.secretAccessKey },
    });
  }
  return { server, url, endpoints: server.endpoints, credentials: accounts[0].credentials, accounts };
}

/** `10.x.y.0/24`, a distinct, non-overlapping block for each i below 65,536. */
export function cidrOf(i) {
  return `10.${i >> 8}.${i & 255}.0/24`;
}

/**
 * Creates `count` VPCs with non-overlapping blocks, `cidrOf(firstBlock)` onwards, ten requests in
 * flight at a time.
 */
export async function createVpcs({ url, credentials }, count, firstBlock = 0) {
  const vpcs = new VpcClient({ endpoint: url, credentials });
  const ids = [];
  for (let i = 0; i < count; i += 10) {
    const batch = [];
    for (let j = i; j < Math.min(count, i + 10); j++) {
      batch.push(vpcs.createVpc({ name: `bench-${j}`, cidr: cidrOf(firstBlock + j) }).then((r) => r.vpcId));
    }
    ids.push(...(await Promise.all(batch)));
  }
  return ids;
}

/**
 * Distinct unordered pairs of the VPCs, in rounds: round d joins every VPC i with i + d (mod n), so
 * each VPC gains peers evenly instead of one VPC collecting hundreds.
 */
export function vpcPairs(ids) {
  const pairs = [];
  for (let d = 1; d < ids.length / 2; d++) {
    for (let i = 0; i < ids.length; i++) pairs.push([ids[i], ids[(i + d) % ids.length]]);
  }
  return pairs;
}

export function peerConnBody([localVpcId, peerVpcId]) {
  return {
    localVpcId,
    peerVpcId,
    peerRegion: 'bj',
    bandwidthInMbps: 10,
    billing: { paymentTiming: 'Postpaid' },
  };
}

/**
 * Every (initiator VPC, acceptor VPC) pair once, in rounds: round d joins initiator i with acceptor
 * i + d (mod n), so each VPC gains peers evenly. Both lists have the same length n: n² pairs.
 */
export function crossPairs(initiatorIds, acceptorIds) {
  const n = initiatorIds.length;
  const pairs = [];
  for (let d = 0; d < n; d++) {
    for (let i = 0; i < n; i++) pairs.push([initiatorIds[i], acceptorIds[(i + d) % n]]);
  }
  return pairs;
}

/** A cross-account, cross-region request: from a VPC in bj to a VPC of `peerAccountId` in gz. */
export function crossPeerConnBody([localVpcId, peerVpcId], peerAccountId) {
  return { ...peerConnBody([localVpcId, peerVpcId]), peerRegion: 'gz', peerAccountId };
}

/** Same-account connections over the given pairs; waits until the reconciler made them all active. */
export async function createPeerConns({ url, credentials }, pairs) {
  const client = new PeerConnClient({ endpoint: url, credentials });
  const ids = [];
  for (const pair of pairs) ids.push((await client.createPeerConn(peerConnBody(pair))).peerConnId);
  const deadline = Date.now() + 15_000;
  for (;;) {
    const page = await client.listPeerConn({ maxKeys: 1000 });
    if (page.peerConns.every((conn) => conn.status === 'active')) return ids;
    if (Date.now() > deadline) throw new Error('fixture peer connections did not become active');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The ceiling: Fastify answering a fixed JSON document, no authentication, no storage, no logs. */
export async function startBare(document) {
  const app = Fastify({ logger: false });
  app.get('/bare', async () => document);
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url: `http://127.0.0.1:${app.server.address().port}` };
}
