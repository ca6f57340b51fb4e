/**
 * The linux dataplane end to end (#14): a real `peerlink serve --dataplane linux` with a random
 * prefix, driven through the SDK (and the CLI for `dataplane status`, `exec` and `teardown`);
 * traffic runs only between the endpoint namespaces this file makes. Needs root (CAP_NET_ADMIN):
 * without it the file skips with the reason, and fails with PEERLINK_REQUIRE_DATAPLANE=1.
 * The kill -9 and restart scenario is in dataplane-restart.test.ts.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../packages/server/src/dataplane/linux/exec.js';
import { ifname } from '../../packages/server/src/dataplane/linux/names.js';
import {
  connect,
  killStarted,
  listen,
  ownedNetns,
  rateBetween,
  resolve4,
  startBulkSender,
  startCounter,
} from '../../packages/server/src/testing/netns.js';
import {
  describeNetns,
  e2eSkipReason,
  FAST,
  leftovers,
  type Network,
  network,
  newPrefix,
  newTenant,
  peerRoute,
  poll,
  removeDataplane,
  serveDataplane,
  sleep,
  statusItems,
  type Tenant,
} from './support/dataplane.js';
import { runCli, type ServeProcess } from './support/process.js';

const reason = e2eSkipReason('end-to-end dataplane tests');

describe.skipIf(reason !== null)('the linux dataplane through peerlink serve', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'peerlink-e2e-dp-'));
  const dataDir = path.join(dir, 'data');
  const prefix = newPrefix();
  let server: ServeProcess | undefined;
  let alice: Tenant;
  let bob: Tenant;

  beforeAll(async () => {
    server = await serveDataplane(dataDir, prefix);
    alice = await newTenant(server.endpoint, 'alice');
    bob = await newTenant(server.endpoint, 'bob');
  });

  afterEach(() => killStarted());

  afterAll(async () => {
    killStarted();
    if (server && server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGKILL');
      await new Promise((r) => server!.child.once('exit', r));
    }
    const left = await removeDataplane(prefix, dataDir);
    const rest = await leftovers(prefix);
    rmSync(dir, { recursive: true, force: true });
    expect(left, `namespaces of ${prefix} left`).toEqual([]);
    expect(rest).toEqual({ etcNetns: [], responders: '' });
  });

  /** Until every item the tenant sees is programmed (bounded); answers the last status. */
  const programmed = (who: Tenant, tries = 30) =>
    poll(
      () => who.dataplane.status(),
      (s) => statusItems(s).every((i) => i.state === 'programmed'),
      { tries, everyMs: 200 },
    );

  /** Until the connection's link is programmed (bounded). */
  const linkProgrammed = (who: Tenant, peerConnId: string) =>
    poll(
      () => who.dataplane.status(),
      (s) => s.connections.some((c) => c.id === peerConnId && c.state === 'programmed'),
      { tries: 30, everyMs: 200 },
    );

  /** Polls a connect until it is (or is not) 'ok', a bounded number of times. */
  const connectUntil = (from: Network, to: Network, port: number, ok: boolean, tries = 15) =>
    poll(
      () => connect(from.endpoint.netns, to.endpoint.ip, port, 1000),
      (r) => (r === 'ok') === ok,
      { tries, everyMs: 100 },
    );

  /** A same-account connection between two of `owner`'s VPCs, active, with a route each way. */
  async function linked(owner: Tenant, a: Network, b: Network, bandwidthInMbps: number) {
    const { peerConnId } = await owner.peerConn.createPeerConn({
      bandwidthInMbps,
      localVpcId: a.vpcId,
      peerVpcId: b.vpcId,
      peerRegion: 'bj',
      billing: { paymentTiming: 'Postpaid' },
    });
    await owner.peerConn.waitUntilPeerConnStatus(peerConnId, 'active', FAST);
    return peerConnId;
  }

  it('connects two accounts only over an active connection with a route each way, and not after release', async () => {
    const a = await network(alice, 21, 'web');
    const b = await network(bob, 22, 'db');
    const { endpoints } = await programmed(alice);
    expect(endpoints.map((e) => [e.id, e.state])).toEqual([[a.endpoint.endpointId, 'programmed']]);
    expect((await programmed(bob)).endpoints.map((e) => e.state)).toEqual(['programmed']);
    await listen(b.endpoint.netns, 7101);
    await listen(a.endpoint.netns, 7101);
    expect(await connect(a.endpoint.netns, b.endpoint.ip, 7101, 1000), 'before any connection').not.toBe(
      'ok',
    );

    const { peerConnId } = await alice.peerConn.createPeerConn({
      bandwidthInMbps: 100,
      localVpcId: a.vpcId,
      peerVpcId: b.vpcId,
      peerRegion: 'bj',
      peerAccountId: bob.accountId,
      billing: { paymentTiming: 'Postpaid' },
    });
    await alice.peerConn.waitUntilPeerConnStatus(peerConnId, 'consulting', FAST);
    await bob.peerConn.accept(peerConnId);
    await alice.peerConn.waitUntilPeerConnStatus(peerConnId, 'active', FAST);
    expect((await linkProgrammed(bob, peerConnId)).connections).toEqual([
      expect.objectContaining({ kind: 'link', id: peerConnId, state: 'programmed' }),
    ]);
    expect(await connect(a.endpoint.netns, b.endpoint.ip, 7101, 1000), 'active, no routes').not.toBe('ok');
    expect(await connect(b.endpoint.netns, a.endpoint.ip, 7101, 1000), 'active, no routes').not.toBe('ok');

    // One route only: the answers have no way back.
    await peerRoute(alice, a.vpcId, '10.22.0.0/16', peerConnId, 'initiator');
    await programmed(alice);
    expect(await connect(a.endpoint.netns, b.endpoint.ip, 7101, 1000), 'a route one way').not.toBe('ok');

    await peerRoute(bob, b.vpcId, '10.21.0.0/16', peerConnId, 'acceptor');
    expect(await connectUntil(a, b, 7101, true), 'routes both ways').toBe('ok');
    expect(await connect(b.endpoint.netns, a.endpoint.ip, 7101, 1000)).toBe('ok');

    // Released: the link goes in the pass the release asks for (the release leaves `active` at
    // once; its step to `deleted` is STEP_MS), checked every 50 ms for at most ~2 s.
    const veth = ifname('p', peerConnId);
    await alice.peerConn.release(peerConnId);
    const released = Date.now();
    const vethGone = await poll(
      async () => (await run('ip', ['-n', `${prefix}-v-${a.vpcId}`, 'link', 'show', veth])).code,
      (code) => code !== 0,
      { tries: 40, everyMs: 50 },
    );
    const goneAfter = Date.now() - released;
    console.info(`the link was gone ${goneAfter} ms after the release answered`);
    expect(vethGone, `${veth} is gone`).not.toBe(0);
    expect(goneAfter).toBeLessThan(2500);
    expect(await connect(a.endpoint.netns, b.endpoint.ip, 7101, 1000), 'after release').not.toBe('ok');
    expect(await connect(b.endpoint.netns, a.endpoint.ip, 7101, 1000)).not.toBe('ok');
    expect((await alice.dataplane.status()).connections).toEqual([]);
  }, 30_000);

  it('is not transitive: A↔B and B↔C carry A→B and B→C, never A→C', async () => {
    const a = await network(alice, 31, 'a');
    const b = await network(alice, 32, 'b');
    const c = await network(alice, 33, 'c');
    const ab = await linked(alice, a, b, 100);
    const bc = await linked(alice, b, c, 100);
    await peerRoute(alice, a.vpcId, '10.32.0.0/16', ab, 'initiator');
    await peerRoute(alice, b.vpcId, '10.31.0.0/16', ab, 'acceptor');
    await peerRoute(alice, b.vpcId, '10.33.0.0/16', bc, 'initiator');
    await peerRoute(alice, c.vpcId, '10.32.0.0/16', bc, 'acceptor');
    // The API itself refuses a route to C through the A-B connection (C is not inside B) ...
    await expect(peerRoute(alice, a.vpcId, '10.33.0.0/16', ab, 'initiator')).rejects.toMatchObject({
      statusCode: 400,
      reason: 'DestinationOutsidePeerVpc',
    });
    // ... but a secondary block of B that covers C's (not checked against B's peers once they
    // are peered) lets A route C's CIDR into the A-B link, so B's router is what must refuse.
    await alice.vpc.updateVpc(b.vpcId, { secondaryCidr: ['10.33.0.0/16'] });
    await peerRoute(alice, a.vpcId, '10.33.0.0/16', ab, 'initiator');
    // Listeners need their namespaces: the endpoints programmed first.
    await programmed(alice);
    for (const n of [a, b, c]) await listen(n.endpoint.netns, 7102);
    expect(await connectUntil(a, b, 7102, true), 'A→B').toBe('ok');
    expect(await connectUntil(b, c, 7102, true), 'B→C').toBe('ok');
    const status = await programmed(alice);
    expect(status.connections.map((l) => [l.id, l.state]).sort()).toEqual(
      [
        [ab, 'programmed'],
        [bc, 'programmed'],
      ].sort(),
    );
    // A's router really sends C's addresses into the A-B link.
    const viaAb = await run('ip', ['-n', `${prefix}-v-${a.vpcId}`, '-json', 'route', 'show', '10.33.0.0/16']);
    expect(JSON.parse(viaAb.stdout)).toEqual([expect.objectContaining({ dev: ifname('p', ab) })]);
    expect(await connect(b.endpoint.netns, a.endpoint.ip, 7102, 1000), 'B→A').toBe('ok');
    expect(await connect(c.endpoint.netns, b.endpoint.ip, 7102, 1000), 'C→B').toBe('ok');
    for (let i = 0; i < 3; i++) {
      expect(await connect(a.endpoint.netns, c.endpoint.ip, 7102, 1000), 'A→C').not.toBe('ok');
      expect(await connect(c.endpoint.netns, a.endpoint.ip, 7102, 1000), 'C→A').not.toBe('ok');
    }
  }, 30_000);

  it("resolves its own VPC's names, and the peer's only while DNS sync is open on its side", async () => {
    const a = await network(alice, 41, 'web');
    const b = await network(bob, 42, 'db');
    const web = `web.${a.vpcId}.internal`;
    const db = `db.${b.vpcId}.internal`;
    const fromA = (name: string) => resolve4(a.endpoint.netns, a.gateway, name);
    const fromB = (name: string) => resolve4(b.endpoint.netns, b.gateway, name);
    // The namespaces first; then the responder of a new router needs a moment to start.
    await programmed(alice);
    await programmed(bob);
    expect(
      await poll(
        () => fromA(web),
        (r) => r === a.endpoint.ip,
      ),
    ).toBe(a.endpoint.ip);
    expect(
      await poll(
        () => fromB(db),
        (r) => r === b.endpoint.ip,
      ),
    ).toBe(b.endpoint.ip);
    expect(await fromA(web.toUpperCase())).toBe(a.endpoint.ip);

    const { peerConnId } = await alice.peerConn.createPeerConn({
      bandwidthInMbps: 100,
      localVpcId: a.vpcId,
      peerVpcId: b.vpcId,
      peerRegion: 'bj',
      peerAccountId: bob.accountId,
      billing: { paymentTiming: 'Postpaid' },
    });
    await alice.peerConn.waitUntilPeerConnStatus(peerConnId, 'consulting', FAST);
    await bob.peerConn.accept(peerConnId);
    await alice.peerConn.waitUntilPeerConnStatus(peerConnId, 'active', FAST);
    await linkProgrammed(alice, peerConnId);
    expect(await fromA(db), 'active, DNS sync closed').toBe('ENOTFOUND');

    await alice.peerConn.openSyncDns(peerConnId, 'initiator');
    await alice.peerConn.waitUntilDnsStatus(peerConnId, 'initiator', 'open', FAST);
    const learned = await poll(
      () => fromA(db),
      (r) => r === b.endpoint.ip,
    );
    const records = path.join(dataDir, 'dataplane', `linux-${prefix}`, 'dns', `${a.vpcId}.json`);
    expect(
      learned,
      `A's records: ${existsSync(records) ? readFileSync(records, 'utf8') : 'none'}; status: ${JSON.stringify(await alice.dataplane.status())}`,
    ).toBe(b.endpoint.ip);
    expect(await fromA(web)).toBe(a.endpoint.ip);
    // Open on A's side only: B does not learn A's names.
    expect((await bob.peerConn.getPeerConn(peerConnId, 'acceptor')).dnsStatus).toBe('close');
    expect(await fromB(web)).toBe('ENOTFOUND');

    await alice.peerConn.closeSyncDns(peerConnId, 'initiator');
    await alice.peerConn.waitUntilDnsStatus(peerConnId, 'initiator', 'close', FAST);
    expect(
      await poll(
        () => fromA(db),
        (r) => r === 'ENOTFOUND',
      ),
      'after close',
    ).toBe('ENOTFOUND');
    expect(await fromA(web)).toBe(a.endpoint.ip);
    expect(await fromB(db)).toBe(b.endpoint.ip);
  }, 30_000);

  let shaped: { a: Network; b: Network; peerConnId: string } | undefined;

  it('shapes the link to bandwidthInMbps, and a resize through the API moves the same stream to the new rate', async () => {
    const a = await network(alice, 51, 'src');
    const b = await network(alice, 52, 'dst');
    const peerConnId = await linked(alice, a, b, 10);
    await peerRoute(alice, a.vpcId, '10.52.0.0/16', peerConnId, 'initiator');
    await peerRoute(alice, b.vpcId, '10.51.0.0/16', peerConnId, 'acceptor');
    await programmed(alice);
    await listen(b.endpoint.netns, 7103);
    const open = await connectUntil(a, b, 7103, true);
    if (open !== 'ok')
      console.error(await describeNetns(b.endpoint.netns), await describeNetns(a.endpoint.netns));
    expect(open).toBe('ok');
    shaped = { a, b, peerConnId };

    const { marks } = await startCounter(b.endpoint.netns, 7104, { lifetimeMs: 15_000 });
    startBulkSender(a.endpoint.netns, b.endpoint.ip, 7104, 15_000);
    const started = Date.now();
    await sleep(3500);
    await alice.peerConn.modifyBandwidth(peerConnId, 50);
    const resized = Date.now();
    // When the new rate is in the kernel (the resize step, then a pass).
    const veth = ifname('p', peerConnId);
    const rate = async () => {
      const res = await run('tc', ['-n', `${prefix}-v-${a.vpcId}`, '-json', 'qdisc', 'show', 'dev', veth]);
      return (JSON.parse(res.stdout || '[]') as { options?: { rate?: number } }[])[0]?.options?.rate;
    };
    expect(await poll(rate, (r) => r === 50 * 125_000, { tries: 40, everyMs: 50 })).toBe(50 * 125_000);
    const applied = Date.now();
    await sleep(3500);
    const slow = rateBetween(marks, started + 1000, resized);
    const fast = rateBetween(marks, applied + 500, applied + 3500);
    console.info(
      `measured at the receiver: ${slow.toFixed(1)} Mbit/s at 10, ${fast.toFixed(1)} Mbit/s at 50 ` +
        `(same stream; the new rate was in the kernel ${applied - resized} ms after the resize call)`,
    );
    expect(slow).toBeGreaterThan(8.5);
    expect(slow).toBeLessThan(11.5);
    expect(fast).toBeGreaterThan(42.5);
    expect(fast).toBeLessThan(57.5);
    // One stream all along: the counter counted only its first connection, and never stopped.
    expect(marks.at(-1)!.bytes).toBeGreaterThan(marks[0]!.bytes);
    expect((await alice.peerConn.getPeerConn(peerConnId)).bandwidthInMbps).toBe(50);
  }, 30_000);

  const cliEnv = () => ({
    PEERLINK_CONFIG_FILE: path.join(dir, 'no-config.toml'),
    PEERLINK_ENDPOINT: server!.endpoint,
    PEERLINK_AK: alice.credentials.ak,
    PEERLINK_SK: alice.credentials.sk,
    PEERLINK_TOKEN: '',
    PEERLINK_PROFILE: '',
  });

  it('shows the status and runs commands inside an endpoint through the CLI', async () => {
    expect(shaped, 'the bandwidth test made the network').toBeDefined();
    const { a, b, peerConnId } = shaped!;
    const status = await poll(
      async () => {
        const res = await runCli(['dataplane', 'status', '-o', 'json'], cliEnv());
        expect(res.code, res.stderr).toBe(0);
        return JSON.parse(res.stdout) as Awaited<ReturnType<Tenant['dataplane']['status']>>;
      },
      (s) => statusItems(s).every((i) => i.state === 'programmed'),
      { tries: 20, everyMs: 200 },
    );
    expect(status.driver).toBe('linux');
    expect(status.lastPassAt).not.toBeNull();
    expect(statusItems(status).filter((i) => i.state !== 'programmed')).toEqual([]);
    expect(status.connections.map((c) => c.id)).toContain(peerConnId);
    expect(status.endpoints).toContainEqual(
      expect.objectContaining({ id: a.endpoint.endpointId, netns: a.endpoint.netns, state: 'programmed' }),
    );
    expect(status.vpcs).toContainEqual(
      expect.objectContaining({ id: a.vpcId, netns: `${prefix}-v-${a.vpcId}`, state: 'programmed' }),
    );

    // Inside the endpoint: its address, its resolver (through /etc/netns), the peer over the link.
    const addr = await runCli(
      ['dataplane', 'exec', a.endpoint.endpointId, '--', 'ip', '-json', '-4', 'addr', 'show', 'dev', 'eth0'],
      cliEnv(),
    );
    expect(addr.code, addr.stderr).toBe(0);
    expect(
      (JSON.parse(addr.stdout) as { addr_info: { local: string }[] }[])[0]!.addr_info.map((i) => i.local),
    ).toEqual([a.endpoint.ip]);
    const hosts = await runCli(
      ['dataplane', 'exec', a.endpoint.endpointId, '--', 'getent', 'hosts', 'src'],
      cliEnv(),
    );
    expect(hosts.code, hosts.stderr).toBe(0);
    expect(hosts.stdout).toMatch(
      new RegExp(`^${a.endpoint.ip.replaceAll('.', '\\.')}\\s+src\\.${a.vpcId}\\.internal`),
    );
    await listen(b.endpoint.netns, 7105);
    const tcp = await runCli(
      [
        'dataplane',
        'exec',
        a.endpoint.endpointId,
        '--',
        process.execPath,
        '-e',
        `const s=require('net').connect(7105,'${b.endpoint.ip}');let d='';s.on('data',x=>d+=x);` +
          `s.on('end',()=>{console.log(d);process.exit(0)});s.on('error',e=>{console.log(e.code);process.exit(3)});` +
          `setTimeout(()=>{console.log('timeout');process.exit(4)},2000)`,
      ],
      cliEnv(),
    );
    expect([tcp.code, tcp.stdout]).toEqual([0, 'ok\n']);
    const failing = await runCli(
      ['dataplane', 'exec', b.endpoint.endpointId, '--', 'sh', '-c', 'exit 7'],
      cliEnv(),
    );
    expect(failing.code).toBe(7);
  }, 30_000);

  it('tears the whole prefix down with peerlink dataplane teardown once the server is stopped', async () => {
    expect((await ownedNetns(prefix)).length).toBeGreaterThan(0);
    // A running server would build it all again on its next pass.
    expect(await server!.stop()).toBe(0);
    const res = await runCli(
      ['dataplane', 'teardown', '--data-dir', dataDir, '--dataplane-prefix', prefix],
      cliEnv(),
    );
    expect([res.code, res.stderr]).toEqual([0, '']);
    expect(res.stdout).toBe(`removed the dataplane of prefix ${prefix} from this host\n`);
    const listed = await run('ip', ['-json', 'netns', 'list']);
    const names = ((listed.stdout.trim() ? JSON.parse(listed.stdout) : []) as { name: string }[]).map(
      (n) => n.name,
    );
    expect(names.filter((n) => n.startsWith(`${prefix}-`))).toEqual([]);
    expect(await leftovers(prefix)).toEqual({ etcNetns: [], responders: '' });
  }, 30_000);
});
