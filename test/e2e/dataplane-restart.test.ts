/**
 * The network outlives the control plane (#14): `kill -9` of `peerlink serve --dataplane linux`
 * while a TCP stream flows leaves the stream flowing; drift made while the server is down (a link
 * veth deleted by hand, an orphan namespace of the prefix) is repaired by the restarted server on
 * the same data directory, which leaves another prefix's namespace alone. Needs root (see
 * dataplane.test.ts).
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { run } from '../../packages/server/src/dataplane/linux/exec.js';
import { ifname } from '../../packages/server/src/dataplane/linux/names.js';
import {
  connect,
  killStarted,
  listen,
  ownedNetns,
  rateBetween,
  startBulkSender,
  startCounter,
} from '../../packages/server/src/testing/netns.js';
import {
  clientsFor,
  describeNetns,
  e2eSkipReason,
  FAST,
  leftovers,
  network,
  newPrefix,
  newTenant,
  peerRoute,
  poll,
  removeDataplane,
  serveDataplane,
  sleep,
  statusItems,
} from './support/dataplane.js';
import type { ServeProcess } from './support/process.js';

const reason = e2eSkipReason('end-to-end dataplane restart tests');

describe.skipIf(reason !== null)('the linux dataplane across a kill -9 of peerlink serve', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'peerlink-e2e-dp-restart-'));
  const dataDir = path.join(dir, 'data');
  const prefix = newPrefix();
  const other = `o${randomBytes(4).toString('hex')}-v-vpc-other`;
  const servers: ServeProcess[] = [];

  afterEach(() => killStarted());

  afterAll(async () => {
    killStarted();
    for (const server of servers) {
      if (server.child.exitCode === null && server.child.signalCode === null) {
        server.child.kill('SIGKILL');
        await once(server.child, 'exit');
      }
    }
    await run('ip', ['netns', 'del', other]);
    const left = await removeDataplane(prefix, dataDir);
    const rest = await leftovers(prefix);
    rmSync(dir, { recursive: true, force: true });
    expect(left, `namespaces of ${prefix} left`).toEqual([]);
    expect(rest).toEqual({ etcNetns: [], responders: '' });
    expect((await run('ip', ['netns', 'list'])).stdout).not.toContain(other);
  });

  it('keeps a stream flowing through kill -9, and the restarted server repairs the drift of the downtime', async () => {
    const first = await serveDataplane(dataDir, prefix);
    servers.push(first);
    const alice = await newTenant(first.endpoint, 'alice');
    const a = await network(alice, 61, 'web');
    const b = await network(alice, 62, 'db');
    const { peerConnId } = await alice.peerConn.createPeerConn({
      bandwidthInMbps: 10,
      localVpcId: a.vpcId,
      peerVpcId: b.vpcId,
      peerRegion: 'bj',
      billing: { paymentTiming: 'Postpaid' },
    });
    await alice.peerConn.waitUntilPeerConnStatus(peerConnId, 'active', FAST);
    await peerRoute(alice, a.vpcId, '10.62.0.0/16', peerConnId, 'initiator');
    await peerRoute(alice, b.vpcId, '10.61.0.0/16', peerConnId, 'acceptor');
    // Listeners need their namespaces: the endpoints programmed first.
    await poll(
      () => alice.dataplane.status(),
      (s) => statusItems(s).every((i) => i.state === 'programmed'),
      { tries: 30, everyMs: 200 },
    );
    await listen(b.endpoint.netns, 7201, 60_000);
    const connected = () =>
      poll(
        () => connect(a.endpoint.netns, b.endpoint.ip, 7201, 1000),
        (r) => r === 'ok',
        { tries: 20, everyMs: 150 },
      );
    expect(await connected()).toBe('ok');

    // A stream, then kill -9 in the middle of it.
    const { marks } = await startCounter(b.endpoint.netns, 7202, { lifetimeMs: 20_000 });
    startBulkSender(a.endpoint.netns, b.endpoint.ip, 7202, 20_000);
    await sleep(2500);
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');
    const killed = Date.now();
    expect(first.child.signalCode).toBe('SIGKILL');
    await sleep(3500);
    const before = rateBetween(marks, killed - 1500, killed);
    const after = rateBetween(marks, killed + 500, killed + 3500);
    console.info(
      `the stream before the kill: ${before.toFixed(1)} Mbit/s, after: ${after.toFixed(1)} Mbit/s`,
    );
    expect(before).toBeGreaterThan(8.5);
    expect(after, 'bytes keep arriving after the kill, at the shaped rate').toBeGreaterThan(8.5);
    expect(after).toBeLessThan(11.5);
    killStarted();
    await listen(b.endpoint.netns, 7203, 60_000);

    // Drift while nobody watches: the link's veth goes, an orphan of the prefix and a namespace of
    // another prefix appear.
    const routerA = `${prefix}-v-${a.vpcId}`;
    const veth = ifname('p', peerConnId);
    const deleted = await run('ip', ['-n', routerA, 'link', 'del', veth]);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(await connect(a.endpoint.netns, b.endpoint.ip, 7203, 1000), 'without the veth').not.toBe('ok');
    const orphan = `${prefix}-v-vpc-orphan${randomBytes(3).toString('hex')}`;
    for (const ns of [orphan, other]) {
      const made = await run('ip', ['netns', 'add', ns]);
      expect(made.code, made.stderr).toBe(0);
    }
    expect(await ownedNetns(prefix)).toContain(orphan);

    // The restart on the same data directory repairs it all in its first passes.
    const before_ = [await describeNetns(b.endpoint.netns), await describeNetns(routerA)];
    const restarting = Date.now();
    const second = await serveDataplane(dataDir, prefix);
    console.info(`restarted in ${Date.now() - restarting} ms`);
    servers.push(second);
    const back = await poll(
      () => connect(a.endpoint.netns, b.endpoint.ip, 7203, 1000),
      (r) => r === 'ok',
      { tries: 20, everyMs: 150 },
    );
    expect(
      back,
      `the link is back\n${before_.join('\n')}\nafter:\n${await describeNetns(b.endpoint.netns)}\n${await describeNetns(routerA)}`,
    ).toBe('ok');
    expect((await run('ip', ['-n', routerA, 'link', 'show', veth])).code).toBe(0);
    expect(
      await poll(
        () => ownedNetns(prefix),
        (l) => !l.includes(orphan),
      ),
    ).not.toContain(orphan);
    expect((await run('ip', ['netns', 'list'])).stdout, 'another prefix is left alone').toContain(other);

    // The port is new; the account and its keys are the same.
    const again = clientsFor(second.endpoint, alice.accountId, alice.credentials);
    const status = await poll(
      () => again.dataplane.status(),
      (s) => statusItems(s).every((i) => i.state === 'programmed'),
      { tries: 30, everyMs: 200 },
    );
    expect(status.driver).toBe('linux');
    expect(statusItems(status).filter((i) => i.state !== 'programmed')).toEqual([]);
    expect(status.vpcs.map((v) => v.id).sort()).toEqual([a.vpcId, b.vpcId].sort());
    expect(status.endpoints.map((e) => e.id).sort()).toEqual(
      [a.endpoint.endpointId, b.endpoint.endpointId].sort(),
    );
    expect(status.connections.map((c) => [c.id, c.state])).toEqual([[peerConnId, 'programmed']]);

    const deletedOther = await run('ip', ['netns', 'del', other]);
    expect(deletedOther.code, deletedOther.stderr).toBe(0);
  }, 60_000);
});
