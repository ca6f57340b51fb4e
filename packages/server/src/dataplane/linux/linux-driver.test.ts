import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  connect,
  dataplaneSkipReason,
  killStarted,
  listen,
  nodeIn,
  output,
  ownedNetns,
  startIn,
} from '../../testing/netns.js';
import type { DesiredEndpoint, DesiredLink, DesiredState, DesiredVpc } from '../model.js';
import { run } from './exec.js';
import { defaultDnsResponderScript, LinuxDriver } from './linux-driver.js';

const reason = dataplaneSkipReason('linux dataplane tests');

function vpc(id: string, octet: number, extra: Partial<DesiredVpc> = {}): DesiredVpc {
  return {
    vpcId: id,
    cidr: `10.${octet}.0.0/16`,
    subnets: [{ subnetId: `${id}-sn`, cidr: `10.${octet}.0.0/24`, gateway: `10.${octet}.0.1` }],
    routes: [],
    dns: {},
    dnsZone: `${id}.internal`,
    ...extra,
  };
}

function endpoint(id: string, vpcId: string, octet: number): DesiredEndpoint {
  return {
    endpointId: id,
    vpcId,
    subnetId: `${vpcId}-sn`,
    address: `10.${octet}.0.5/24`,
    gateway: `10.${octet}.0.1`,
  };
}

function link(id: string, a: string, b: string, bandwidthMbps = 100): DesiredLink {
  return { peerConnId: id, vpcIds: [a, b], bandwidthMbps };
}

// Each check spawns Node in a namespace (a few hundred ms on a loaded 2-core machine): the loops are
// bounded, but their sum needs more than the suite's default 20 s.
describe.skipIf(reason !== null)('linux dataplane driver (real namespaces)', { timeout: 60_000 }, () => {
  it('check() passes as root and refuses without CAP_NET_ADMIN in one sentence', async () => {
    await expect(new LinuxDriver({ prefix: 'chk', stateDir: tmpdir() }).check()).resolves.toBeUndefined();
    const script =
      `import('${path.join(path.dirname(defaultDnsResponderScript()), 'linux-driver.js')}').then(m=>` +
      `new m.LinuxDriver({prefix:'chk',stateDir:'/tmp'}).check()).then(()=>console.log('ok'),e=>console.log(e.name+': '+e.message))`;
    const res = await run(
      'setpriv',
      ['--inh-caps=-net_admin', '--bounding-set=-net_admin', process.execPath, '-e', script],
      { timeoutMs: 5000 },
    );
    if (res.failure || (res.code !== 0 && !res.stdout)) return; // no setpriv here
    expect(res.stdout.trim()).toMatch(/^DataplaneUnavailable: the linux dataplane needs CAP_NET_ADMIN/);
  });

  let prefix = '';
  let stateDir = '';
  let driver: LinuxDriver;
  const prefixes: string[] = [];

  beforeEach(() => {
    prefix = `t${randomBytes(4).toString('hex')}`;
    prefixes.push(prefix);
    stateDir = mkdtempSync(path.join(tmpdir(), 'peerlink-dp-'));
    driver = new LinuxDriver({ prefix, stateDir });
  });

  afterEach(async () => {
    killStarted();
    await driver.teardown();
    rmSync(stateDir, { recursive: true, force: true });
    expect(await ownedNetns(prefix)).toEqual([]);
    expect(
      readdirSync('/etc/netns', { withFileTypes: true }).filter((d) => d.name.startsWith(`${prefix}-`)),
    ).toEqual([]);
    const responders = (await run('pgrep', ['-f', `linux-${prefix}/dns/`])).stdout.trim();
    expect(responders, 'no DNS responder of the prefix is left').toBe('');
  });

  afterAll(async () => {
    for (const p of prefixes) {
      for (const ns of await ownedNetns(p)) await run('ip', ['netns', 'del', ns]);
    }
  });

  const ns = (id: string) => driver.endpointNetns(id);

  it('rejects a prefix that could be confused with another', () => {
    for (const bad of ['a', 'has-dash', 'UPPER', 'waytoolongprefix']) {
      expect(() => new LinuxDriver({ prefix: bad, stateDir: tmpdir() })).toThrow(/prefix/);
    }
  });

  it('connects two VPCs only over a link with routes both ways', async () => {
    const base: DesiredState = {
      vpcs: [vpc('a', 1), vpc('b', 2)],
      endpoints: [endpoint('ea', 'a', 1), endpoint('eb', 'b', 2)],
      links: [],
    };
    const r0 = await driver.apply(base);
    expect(r0.items.filter((i) => i.state !== 'programmed')).toEqual([]);
    await listen(ns('eb'), 7001);
    await listen(ns('ea'), 7001);
    expect(await connect(ns('ea'), '10.2.0.5', 7001)).not.toBe('ok');

    const linked: DesiredState = {
      ...base,
      vpcs: [
        vpc('a', 1, { routes: [{ destination: '10.2.0.0/16', peerConnId: 'pc1' }] }),
        vpc('b', 2, { routes: [{ destination: '10.1.0.0/16', peerConnId: 'pc1' }] }),
      ],
      links: [link('pc1', 'a', 'b')],
    };
    const r1 = await driver.apply(linked);
    expect(r1.items.filter((i) => i.state !== 'programmed')).toEqual([]);
    expect(await connect(ns('ea'), '10.2.0.5', 7001)).toBe('ok');
    expect(await connect(ns('eb'), '10.1.0.5', 7001)).toBe('ok');

    const oneWay: DesiredState = { ...linked, vpcs: [linked.vpcs[0]!, vpc('b', 2)] };
    await driver.apply(oneWay);
    expect(await connect(ns('ea'), '10.2.0.5', 7001)).not.toBe('ok');

    await driver.apply({ ...linked, links: [] });
    expect(await connect(ns('ea'), '10.2.0.5', 7001)).not.toBe('ok');
  });

  it('routes between the subnets of one VPC, never forwards foreign sources, and reports kernel errors per item', async () => {
    const a = vpc('a', 1, {
      routes: [
        { destination: '10.2.0.0/16', peerConnId: 'pc' },
        // would replace the connected route of a-sn2: refused, the rest of the VPC still programmed
        { destination: '10.1.1.0/24', peerConnId: 'pc' },
      ],
    });
    a.subnets.push({ subnetId: 'a-sn2', cidr: '10.1.1.0/24', gateway: '10.1.1.1' });
    const state: DesiredState = {
      vpcs: [a, vpc('b', 2, { routes: [{ destination: '10.1.0.0/16', peerConnId: 'pc' }] })],
      endpoints: [
        endpoint('ea', 'a', 1),
        { endpointId: 'ea2', vpcId: 'a', subnetId: 'a-sn2', address: '10.1.1.5/24', gateway: '10.1.1.1' },
        endpoint('eb', 'b', 2),
        // a /32 cannot reach its gateway: the kernel refuses the default route for this one only
        { endpointId: 'bad', vpcId: 'b', subnetId: 'b-sn', address: '10.2.0.9/32', gateway: '10.2.0.1' },
      ],
      links: [link('pc', 'a', 'b')],
    };
    const r = await driver.apply(state);
    const bad = r.items.find((i) => i.id === 'bad')!;
    expect(bad.state).toBe('error');
    expect(bad.reason).toMatch(/default via 10\.2\.0\.1/);
    expect(r.items.find((i) => i.kind === 'vpc' && i.id === 'a')).toMatchObject({
      state: 'error',
      reason: expect.stringMatching(/10\.1\.1\.0\/24 overlaps a subnet/),
    });
    expect(r.items.filter((i) => i.id !== 'bad' && i.id !== 'a' && i.state !== 'programmed')).toEqual([]);
    await listen(ns('ea2'), 7005);
    await listen(ns('eb'), 7005);
    expect(await connect(ns('ea'), '10.1.1.5', 7005)).toBe('ok');
    expect(await connect(ns('ea'), '10.2.0.5', 7005)).toBe('ok');
    // a source that is not one of A's subnets is not forwarded to the peer, nor between subnets:
    // one-way UDP, so only the forward path counts
    await run('ip', ['-n', ns('ea'), 'addr', 'add', '10.9.9.9/32', 'dev', 'eth0']);
    const udpSink = (e: string) =>
      output(
        startIn(
          ns(e),
          `const s=require('dgram').createSocket('udp4');const got=new Set();s.on('message',m=>got.add(String(m)));` +
            `s.bind(7006);setTimeout(()=>{console.log([...got].sort().join(','));process.exit(0)},2500)`,
        ),
        5000,
      );
    const toB = udpSink('eb');
    const toA2 = udpSink('ea2');
    await new Promise((r) => setTimeout(r, 500));
    await nodeIn(
      ns('ea'),
      `const s=require('dgram').createSocket('udp4');const t=require('dgram').createSocket('udp4');` +
        `s.bind({address:'10.1.0.5'},()=>t.bind({address:'10.9.9.9'},()=>{for(const ip of ['10.2.0.5','10.1.1.5']){` +
        `s.send('own',7006,ip);t.send('foreign',7006,ip)}setTimeout(()=>process.exit(0),300)}))`,
    );
    expect((await toB).trim()).toBe('own');
    expect((await toA2).trim()).toBe('own');
  });

  it('is not transitive: A↔B and B↔C never carry A→C', async () => {
    const state: DesiredState = {
      vpcs: [
        vpc('a', 1, {
          routes: [
            { destination: '10.2.0.0/16', peerConnId: 'ab' },
            { destination: '10.3.0.0/16', peerConnId: 'ab' },
          ],
        }),
        vpc('b', 2, {
          routes: [
            { destination: '10.1.0.0/16', peerConnId: 'ab' },
            { destination: '10.3.0.0/16', peerConnId: 'bc' },
          ],
        }),
        vpc('c', 3, {
          routes: [
            { destination: '10.2.0.0/16', peerConnId: 'bc' },
            { destination: '10.1.0.0/16', peerConnId: 'bc' },
          ],
        }),
      ],
      endpoints: [endpoint('ea', 'a', 1), endpoint('eb', 'b', 2), endpoint('ec', 'c', 3)],
      links: [link('ab', 'a', 'b'), link('bc', 'b', 'c')],
    };
    const r = await driver.apply(state);
    expect(r.items.filter((i) => i.state !== 'programmed')).toEqual([]);
    for (const e of ['ea', 'eb', 'ec']) await listen(ns(e), 7002);
    expect(await connect(ns('ea'), '10.2.0.5', 7002)).toBe('ok');
    expect(await connect(ns('eb'), '10.3.0.5', 7002)).toBe('ok');
    expect(await connect(ns('ea'), '10.3.0.5', 7002)).not.toBe('ok');
    expect(await connect(ns('ec'), '10.1.0.5', 7002)).not.toBe('ok');
  });

  it('shapes a link to its bandwidth and changes the rate of a running stream in place', async () => {
    const routed = (mbps: number): DesiredState => ({
      vpcs: [
        vpc('a', 1, { routes: [{ destination: '10.2.0.0/16', peerConnId: 'pc' }] }),
        vpc('b', 2, { routes: [{ destination: '10.1.0.0/16', peerConnId: 'pc' }] }),
      ],
      endpoints: [endpoint('ea', 'a', 1), endpoint('eb', 'b', 2)],
      links: [link('pc', 'a', 'b', mbps)],
    });
    const shaped = await driver.apply(routed(10));
    expect(shaped.items.filter((i) => i.state !== 'programmed')).toEqual([]);
    // the receiver prints cumulative bytes every 250 ms for 8 s, of the first (only) connection
    const receiver = startIn(
      ns('eb'),
      `const marks=[];require('net').createServer(c=>{let b=0;c.on('data',d=>b+=d.length);const t=setInterval(()=>{marks.push(b);` +
        `if(marks.length>=32){clearInterval(t);console.log(JSON.stringify(marks));process.exit(0)}},250)}).listen(7003,()=>console.log('up'));` +
        `setTimeout(()=>process.exit(1),15000)`,
    );
    const marksOut = output(receiver, 15_000);
    await new Promise((r) => setTimeout(r, 400));
    startIn(
      ns('ea'),
      `const b=Buffer.alloc(65536);const s=require('net').connect(7003,'10.2.0.5',()=>{const w=()=>{while(s.write(b)){}};s.on('drain',w);w()});` +
        `s.on('error',()=>process.exit(0));setTimeout(()=>process.exit(0),12000)`,
    );
    await new Promise((r) => setTimeout(r, 3600));
    const change = await driver.apply(routed(50));
    expect(change.changed).toBeGreaterThan(0);
    const text = (await marksOut).split('\n').find((l) => l.startsWith('['));
    expect(text, 'the receiver reported').toBeDefined();
    const marks = JSON.parse(text!) as number[];
    // marks[i] is at (i+1)*250 ms after accept: 10 Mbps over 1.0–3.25 s, 50 Mbps over 4.75–7.75 s
    const mbps = (from: number, to: number) => ((marks[to]! - marks[from]!) * 8) / ((to - from) * 0.25) / 1e6;
    const slow = mbps(3, 12);
    const fast = mbps(18, 30);
    console.info(
      `measured at the receiver: ${slow.toFixed(1)} Mbit/s at 10, ${fast.toFixed(1)} Mbit/s at 50 (same stream)`,
    );
    expect(slow).toBeGreaterThan(8.5);
    expect(slow).toBeLessThan(11.5);
    expect(fast).toBeGreaterThan(42.5);
    expect(fast).toBeLessThan(57.5);
  });

  it('converges: idempotent, repairs drift, removes its orphans and leaves other prefixes alone', async () => {
    const state: DesiredState = {
      vpcs: [
        vpc('a', 1, { routes: [{ destination: '10.2.0.0/16', peerConnId: 'pc' }] }),
        vpc('b', 2, { routes: [{ destination: '10.1.0.0/16', peerConnId: 'pc' }] }),
      ],
      endpoints: [endpoint('ea', 'a', 1), endpoint('eb', 'b', 2)],
      links: [link('pc', 'a', 'b', 20)],
    };
    const first = await driver.apply(state);
    expect(first.created).toBeGreaterThan(0);
    const second = await driver.apply(state);
    expect([second.created, second.changed, second.removed]).toEqual([0, 0, 0]);

    // drift: the link's veth deleted by hand
    const pname = (await run('ip', ['-n', driver.vpcNetns('a'), '-json', 'link', 'show'])).stdout;
    const p = (JSON.parse(pname) as { ifname: string }[]).find((l) => l.ifname.startsWith('p-'))!.ifname;
    await run('ip', ['-n', driver.vpcNetns('a'), 'link', 'del', p]);
    const repaired = await driver.apply(state);
    expect(repaired.created).toBeGreaterThan(0);
    await listen(ns('eb'), 7004);
    expect(await connect(ns('ea'), '10.2.0.5', 7004)).toBe('ok');

    // drift: a rate, a route, an address changed by hand, a stray interface in an owned namespace
    const va = driver.vpcNetns('a');
    await run('tc', [
      '-n',
      va,
      'qdisc',
      'change',
      'dev',
      p,
      'root',
      'handle',
      '1:',
      'tbf',
      'rate',
      '1mbit',
      'burst',
      '32k',
      'latency',
      '50ms',
    ]);
    await run('ip', ['-n', va, 'route', 'del', '10.2.0.0/16']);
    await run('ip', ['-n', ns('eb'), 'addr', 'flush', 'dev', 'eth0']);
    await run('ip', ['-n', va, 'link', 'add', 'stray0', 'type', 'veth', 'peer', 'name', 'stray1']);
    const fixed = await driver.apply(state);
    expect(fixed.changed + fixed.created).toBeGreaterThanOrEqual(3);
    expect(fixed.removed).toBeGreaterThanOrEqual(1);
    const qd = JSON.parse((await run('tc', ['-n', va, '-json', 'qdisc', 'show', 'dev', p])).stdout) as {
      options: { rate: number };
    }[];
    expect(qd[0]!.options.rate).toBe(20 * 125_000);
    expect((await run('ip', ['-n', va, 'link', 'show', 'stray0'])).code).not.toBe(0);
    await listen(ns('eb'), 7007);
    expect(await connect(ns('ea'), '10.2.0.5', 7007)).toBe('ok');
    const settled = await driver.apply(state);
    expect([settled.created, settled.changed, settled.removed]).toEqual([0, 0, 0]);

    // an orphan of this prefix goes; a namespace of another prefix stays
    const other = `o${randomBytes(4).toString('hex')}-v-x`;
    await run('ip', ['netns', 'add', driver.vpcNetns('stale')]);
    await run('ip', ['netns', 'add', other]);
    try {
      const swept = await driver.apply(state);
      expect(swept.removed).toBeGreaterThanOrEqual(1);
      const left = await ownedNetns(prefix);
      expect(left).not.toContain(driver.vpcNetns('stale'));
      expect((await run('ip', ['netns', 'list'])).stdout).toContain(other);
      const again = await driver.apply(state);
      expect([again.created, again.changed, again.removed]).toEqual([0, 0, 0]);
      // a whole router namespace deleted by hand: re-created, with its endpoint and link re-attached
      await run('ip', ['netns', 'del', driver.vpcNetns('b')]);
      // the kernel removes the namespace's veth peers asynchronously: a pass may race with that
      // and leave an item in error, which the next pass repairs (bounded: three passes)
      let rebuilt = await driver.apply(state);
      for (let i = 0; i < 2 && rebuilt.items.some((x) => x.state !== 'programmed'); i++) {
        rebuilt = await driver.apply(state);
      }
      expect(rebuilt.items.filter((i) => i.state !== 'programmed')).toEqual([]);
      await listen(ns('eb'), 7008);
      expect(await connect(ns('ea'), '10.2.0.5', 7008)).toBe('ok');

      // a changed address and a subnet whose gateway moved are fixed in place
      const moved: DesiredState = {
        ...state,
        vpcs: [
          state.vpcs[0]!,
          {
            ...state.vpcs[1]!,
            subnets: [{ subnetId: 'b-sn', cidr: '10.2.0.0/24', gateway: '10.2.0.254' }],
          },
        ],
        endpoints: [
          state.endpoints[0]!,
          { endpointId: 'eb', vpcId: 'b', subnetId: 'b-sn', address: '10.2.0.6/24', gateway: '10.2.0.254' },
        ],
      };
      const m1 = await driver.apply(moved);
      expect(m1.items.filter((i) => i.state !== 'programmed')).toEqual([]);
      expect(await connect(ns('ea'), '10.2.0.6', 7008)).toBe('ok');
      const m2 = await driver.apply(moved);
      expect([m2.created, m2.changed, m2.removed]).toEqual([0, 0, 0]);
      expect(readFileSync(path.join('/etc/netns', ns('eb'), 'resolv.conf'), 'utf8')).toContain(
        'nameserver 10.2.0.254',
      );
    } finally {
      await run('ip', ['netns', 'del', other]);
    }
  });

  it('runs no process for an unchanged state between repairs, and repairs drift within ⌈namespaces / readbackPerPass⌉ repair passes', async () => {
    // every ip/tc/sysctl the driver runs in a namespace goes through this wrapper, which logs it
    const calls = path.join(stateDir, 'calls.log');
    const wrapper = path.join(stateDir, 'nsenter-counting');
    writeFileSync(wrapper, `#!/bin/sh\necho "$*" >> ${calls}\nexec nsenter "$@"\n`, { mode: 0o755 });
    const counted = new LinuxDriver({ prefix, stateDir, nsenter: wrapper, readbackPerPass: 1 });
    const count = () => (existsSync(calls) ? readFileSync(calls, 'utf8').split('\n').length - 1 : 0);
    const state: DesiredState = {
      vpcs: [
        vpc('a', 1, { routes: [{ destination: '10.2.0.0/16', peerConnId: 'pc' }] }),
        vpc('b', 2, { routes: [{ destination: '10.1.0.0/16', peerConnId: 'pc' }] }),
        vpc('c', 3),
      ],
      endpoints: [],
      links: [link('pc', 'a', 'b', 20)],
    };
    expect((await counted.apply(state)).created).toBeGreaterThan(0);
    const programmed = await counted.apply(state, { repair: false });
    expect(programmed.items.every((i) => i.state === 'programmed')).toBe(true);

    // a change-driven pass with nothing changed: no process, nothing read, nothing reported changed
    const before = count();
    for (let i = 0; i < 3; i++) {
      const idle = await counted.apply(structuredClone(state), { repair: false });
      expect([idle.created, idle.changed, idle.removed]).toEqual([0, 0, 0]);
      expect(idle.items).toEqual(programmed.items);
    }
    expect(count() - before).toBe(0);

    // drift is left for the repair passes: at most ⌈3 / 1⌉ of them bring the route back
    const va = counted.vpcNetns('a');
    await run('ip', ['-n', va, 'route', 'del', '10.2.0.0/16']);
    expect((await counted.apply(state, { repair: false })).created).toBe(0);
    let repairs = 0;
    let restored = false;
    while (!restored && repairs < 3) {
      repairs++;
      restored = (await counted.apply(state)).created > 0;
    }
    expect(restored).toBe(true);
    expect((await run('ip', ['-n', va, 'route', 'show', '10.2.0.0/16'])).stdout).toContain('dev p-');

    // a change reads back only the namespaces it concerns (here a's and c's routers), not a slice
    const changed = structuredClone(state);
    changed.vpcs[2]!.routes = [{ destination: '10.1.0.0/16', peerConnId: 'pc' }];
    const mark = count();
    await counted.apply(changed, { repair: false });
    const read = readFileSync(calls, 'utf8').split('\n').slice(mark).join('\n');
    expect(read).not.toContain(counted.vpcNetns('b'));
    expect(read).toContain(counted.vpcNetns('c'));
  });

  it('answers DNS for its VPC from the router, and follows map updates without a restart', async () => {
    const zone = 'a.internal';
    const state = (dns: Record<string, string>): DesiredState => ({
      vpcs: [
        vpc('a', 1, { dns, dnsZone: zone, routes: [{ destination: '10.2.0.0/16', peerConnId: 'pc' }] }),
        vpc('b', 2, {
          dns: { 'x.b.internal': '10.2.0.7' },
          routes: [{ destination: '10.1.0.0/16', peerConnId: 'pc' }],
        }),
      ],
      endpoints: [endpoint('ea', 'a', 1), endpoint('eb', 'b', 2)],
      links: [link('pc', 'a', 'b')],
    });
    await driver.apply(state({ [`web.${zone}`]: '10.1.0.7' }));
    const resolv = readFileSync(path.join('/etc/netns', ns('ea'), 'resolv.conf'), 'utf8');
    expect(resolv).toContain('nameserver 10.1.0.1');
    expect(resolv).toContain(`search ${zone}`);
    const resolve = (name: string) =>
      nodeIn(
        ns('ea'),
        `const r=new (require('dns').promises.Resolver)({timeout:1000,tries:2});r.setServers(['10.1.0.1']);` +
          `r.resolve4('${name}').then(a=>console.log(a.join(',')),e=>console.log(e.code))`,
      );
    // the responder needs a moment to bind
    let first = '';
    for (let i = 0; i < 20 && first !== '10.1.0.7'; i++) {
      first = await resolve(`WEB.${zone}`);
      if (first !== '10.1.0.7') await new Promise((r) => setTimeout(r, 150));
    }
    expect(first).toBe('10.1.0.7');
    expect(await resolve(`nope.${zone}`)).toBe('ENOTFOUND');
    // the peer reaches A's gateway over the link, but A's resolver does not answer it
    const fromPeer = await nodeIn(
      ns('eb'),
      `const r=new (require('dns').promises.Resolver)({timeout:700,tries:1});r.setServers(['10.1.0.1']);` +
        `r.resolve4('web.${zone}').then(a=>console.log(a.join(',')),e=>console.log(e.code))`,
    );
    expect(fromPeer).toBe('ETIMEOUT');
    const getent = await run('ip', ['netns', 'exec', ns('ea'), 'getent', 'hosts', 'web'], {
      timeoutMs: 5000,
    });
    expect(getent.stdout).toContain('10.1.0.7');

    const pidFile = readdirPid(stateDir, 'a');
    // Our state is the owner's only, like the rest of the data directory (docs/security.md).
    for (const file of [pidFile, pidFile.replace(/\.pid$/, '.json')])
      expect((statSync(file).mode & 0o077).toString(8), file).toBe('0');
    const pid = readFileSync(pidFile, 'utf8').trim();
    await driver.apply(state({ [`web.${zone}`]: '10.1.0.8', [`db.${zone}`]: '10.1.0.9' }));
    let updated = '';
    for (let i = 0; i < 20 && updated !== '10.1.0.8'; i++) {
      updated = await resolve(`web.${zone}`);
      if (updated !== '10.1.0.8') await new Promise((r) => setTimeout(r, 200));
    }
    expect(updated).toBe('10.1.0.8');
    expect(await resolve(`db.${zone}`)).toBe('10.1.0.9');
    expect(readFileSync(pidFile, 'utf8').trim()).toBe(pid);

    // a restarted control plane (a new driver, same prefix and stateDir) adopts what runs
    const next = state({ [`web.${zone}`]: '10.1.0.8', [`db.${zone}`]: '10.1.0.9' });
    const adopted = await new LinuxDriver({ prefix, stateDir }).apply(next);
    expect([adopted.created, adopted.changed, adopted.removed]).toEqual([0, 0, 0]);
    expect(readFileSync(pidFile, 'utf8').trim()).toBe(pid);

    // a responder that died is started again by the next pass
    process.kill(Number(pid), 'SIGKILL');
    await new Promise((r) => setTimeout(r, 100));
    const restarted = await driver.apply(next);
    expect(restarted.created).toBe(1);
    expect(readFileSync(pidFile, 'utf8').trim()).not.toBe(pid);
    let again = '';
    for (let i = 0; i < 20 && again !== '10.1.0.9'; i++) {
      again = await resolve(`db.${zone}`);
      if (again !== '10.1.0.9') await new Promise((r) => setTimeout(r, 150));
    }
    expect(again).toBe('10.1.0.9');
  });
});

function readdirPid(stateDir: string, vpcId: string): string {
  const dir = path.join(stateDir, readdirSync(stateDir).find((d) => d.startsWith('linux-'))!, 'dns');
  return path.join(dir, `${vpcId}.pid`);
}
