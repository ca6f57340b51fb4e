/**
 * The `linux` dataplane driver: one host, iproute2 only (`ip`, `tc`), no WireGuard, VRF, iptables
 * or nftables.
 *
 * - VPC → namespace `<prefix>-v-<vpcId>`, its router (ip_forward=1, rp_filter=0, lo up). Subnet →
 *   bridge `b-<8 hex of sha1(subnetId)>` holding gateway/len. Endpoint → namespace
 *   `<prefix>-e-<endpointId>`, `eth0` (veth; the other end `e-<8hex>` on the subnet's bridge), its
 *   address, default via the gateway; /etc/netns/<ns>/resolv.conf names the gateway and the zone.
 * - Link → veth `p-<8hex of peerConnId>` between the two routers, no addresses, tbf on each end's
 *   egress (so each direction is shaped). A peer route is `<dst> dev p-x scope link`: the router
 *   ARPs for the destination on the link and the peer router's end answers (proxy_arp=1,
 *   proxy_delay=0 on link ends) for what its routing lets it deliver from that link, i.e. its own
 *   subnets only. No per-link addresses, and a route depends only on its own VPC's state.
 * - Non-transitive by policy routing: `from <subnet> iif <its bridge>` and `iif lo` use main;
 *   any other source on a bridge is blackholed; everything else (all that enters on a peer link)
 *   looks up table 100, which holds only the connected subnet routes and `unreachable default`.
 * - Level-triggered: every pass lists the namespaces of the prefix (/run/netns), removes orphans,
 *   creates the missing, and reads back (ip -json addr/route/rule/netconf, tc -json qdisc) the
 *   namespaces whose desired state changed or failed last pass, plus, on a repair pass, a
 *   round-robin slice of the others (`readbackPerPass`), in one `sh` per chunk of namespaces,
 *   then programs the difference with one `ip -force -batch -` (via nsenter) per namespace and phase (delete, create, sysctl, tc, link ends up, configure: each phase done in
 *   every namespace before the next starts, so a route never leads to a link end that is down).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type {
  ApplyOptions,
  ApplyReport,
  DataplaneDriver,
  DesiredEndpoint,
  DesiredLink,
  DesiredState,
  DesiredVpc,
  ItemKind,
  ItemStatus,
} from '../model.js';
import { type BatchLine, parseJsonSeq, run, runBatch } from './exec.js';
import { canonicalDst, cidrsOverlap, ID_RE, ifname, PREFIX_RE, parseAddress, parseCidr } from './names.js';

/** The linux dataplane cannot run here (no CAP_NET_ADMIN, no iproute2); the message says why in one sentence. */
export class DataplaneUnavailable extends Error {
  override name = 'DataplaneUnavailable';
}

export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug?(obj: object, msg?: string): void;
}

export interface LinuxDriverOptions {
  /** Owns every namespace named `<prefix>-v-…` / `<prefix>-e-…`; ^[a-z0-9]{2,12}$. */
  prefix: string;
  /** Where responder pid and records files live (a `linux-<prefix>` directory is made in it). */
  stateDir: string;
  log?: Logger;
  /**
   * Steady namespaces read back per repair pass (round robin) besides those whose desired state
   * changed or that failed last pass, default 16: bounds the at-rest cost (≈ 2 short processes per
   * namespace read) at the price of drift in a steady namespace being repaired within
   * ⌈namespaces / this⌉ repair passes. A change-driven pass (`repair: false`) reads no slice.
   * Missing and orphan namespaces are found by every pass that runs (a listing of /run/netns).
   */
  readbackPerPass?: number;
  /** The compiled DNS responder (default: dist/dataplane/linux/dns-responder.js next to this module). */
  dnsResponderScript?: string;
  /** External commands run at once (default 4). */
  concurrency?: number;
  /**
   * How a command enters a namespace. Default `'nsenter'` (util-linux, when on PATH): `nsenter
   * --net=/run/netns/<ns> ip|tc|sysctl …` joins the network namespace only. `false`: `ip -n` / `tc
   * -n` / `ip netns exec`, which also unshare the mount namespace and remount /sys for each
   * command: that copies every mount of the host, one per namespace in /run/netns, so each command
   * costs O(namespaces) and a cold start of N namespaces O(N²).
   */
  nsenter?: string | false;
}

/** Routing table for traffic that must only reach the router's own subnets (from peers, spoofed). */
const TABLE_OWN = 100;
const PREF_FROM_SUBNET = 1000;
const PREF_LOCAL_OUT = 1001;
const PREF_FOREIGN_SOURCE = 1002;
const PREF_OWN_ONLY = 1003;
const TBF_LATENCY_MS = 50;
const ROUTER_SYSCTLS = [
  'net.ipv4.ip_forward=1',
  'net.ipv4.conf.all.rp_filter=0',
  'net.ipv4.conf.default.rp_filter=0',
];
/** A link end answers ARP for what its router may deliver (its own subnets), at once. */
const linkSysctls = (dev: string) => [
  `net.ipv4.conf.${dev}.proxy_arp=1`,
  `net.ipv4.neigh.${dev}.proxy_delay=0`,
];

/** Where the compiled responder is, whether this module runs from dist (.js) or from sources (.ts). */
export function defaultDnsResponderScript(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) {
    const src = `${path.sep}src${path.sep}`;
    const i = here.lastIndexOf(src);
    const dir = path.dirname(here.slice(0, i) + `${path.sep}dist${path.sep}` + here.slice(i + src.length));
    return path.join(dir, 'dns-responder.js');
  }
  return path.join(path.dirname(here), 'dns-responder.js');
}

interface LinkJson {
  ifname: string;
  flags?: string[];
  master?: string;
  linkinfo?: { info_kind?: string };
  addr_info?: { family: string; local: string; prefixlen: number }[];
}
interface RouteJson {
  type?: string;
  dst?: string;
  gateway?: string;
  dev?: string;
  protocol?: string;
  scope?: string;
}
interface RuleJson {
  priority: number;
  action?: string;
  src?: string;
  srclen?: number;
  iif?: string;
  table?: string;
}
interface NetconfJson {
  family: string;
  interface: string;
  forwarding?: boolean;
  rp_filter?: string | number;
  proxy_neigh?: boolean;
}
interface QdiscJson {
  kind: string;
  handle: string;
  dev: string;
  root?: boolean;
  options?: { rate?: number; rate64?: number; burst?: number };
}

/** What one namespace holds, as read back (or known empty because this pass created it). */
interface Actual {
  links: Map<string, LinkJson>;
  main: RouteJson[];
  own: RouteJson[];
  rules: RuleJson[];
  netconf: NetconfJson[];
  qdiscs: QdiscJson[];
  fresh: boolean;
}

type Effect = 'created' | 'changed' | 'removed';
interface Tag {
  item: string;
  effect: Effect;
}

interface NsInfo {
  kind: 'vpc' | 'endpoint';
  id: string;
  item: string;
  fingerprint: string;
}

function itemKey(kind: ItemKind, id: string): string {
  return `${kind}:${id}`;
}

async function mapLimit<T>(items: T[], limit: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const t = items[next++]!;
      await fn(t);
    }
  });
  await Promise.all(workers);
}

/** tbf parameters for a rate: a burst of ≥ 4 ms at rate (≥ 32 KiB), a 50 ms queue. */
export function tbfParams(mbps: number): { rateBytes: number; burst: number; latencyMs: number } {
  const rateBytes = Math.round(mbps * 125_000);
  return { rateBytes, burst: Math.max(32 * 1024, Math.ceil(rateBytes / 250)), latencyMs: TBF_LATENCY_MS };
}

export class LinuxDriver implements DataplaneDriver {
  readonly name = 'linux' as const;
  private readonly prefix: string;
  private readonly dir: string;
  private readonly log: Logger | undefined;
  private readonly readbackPerPass: number;
  private readonly script: string;
  private readonly concurrency: number;
  /** Namespace → fingerprint of the desired state last converged without error. */
  private readonly converged = new Map<string, string>();
  private readonly programmedAt = new Map<string, number>();
  /** apply() and teardown() run one at a time. */
  private queue: Promise<unknown> = Promise.resolve();
  private cursor = 0;
  /** The desired state (JSON) and report of the last pass that left every namespace converged. */
  private lastClean: { desired: string; items: ItemStatus[] } | undefined;
  private readonly recordsWritten = new Map<string, string>();
  private readonly nsenterPath: string | false;
  /** Whether nsenter runs here (probed once, on first use). */
  private nsenterOk: Promise<boolean> | undefined;

  constructor(opts: LinuxDriverOptions) {
    if (!PREFIX_RE.test(opts.prefix))
      throw new Error(`dataplane prefix must match ${PREFIX_RE}: ${opts.prefix}`);
    this.prefix = opts.prefix;
    this.dir = path.join(opts.stateDir, `linux-${opts.prefix}`);
    this.log = opts.log;
    this.readbackPerPass = opts.readbackPerPass ?? 16;
    this.script = opts.dnsResponderScript ?? defaultDnsResponderScript();
    this.concurrency = opts.concurrency ?? 4;
    this.nsenterPath = opts.nsenter ?? 'nsenter';
  }

  /** `[command, leading args]` that run `tool` inside the network namespace `ns`. */
  private async inNs(ns: string, tool: 'ip' | 'tc' | 'sysctl'): Promise<[string, string[]]> {
    const nsenter = this.nsenterPath;
    if (nsenter !== false) {
      this.nsenterOk ??= run(nsenter, ['--version'], { timeoutMs: 5000 }).then(
        (r) => !r.failure && r.code === 0,
      );
      if (await this.nsenterOk) return [nsenter, [`--net=/run/netns/${ns}`, tool]];
    }
    if (tool === 'sysctl') return ['ip', ['netns', 'exec', ns, 'sysctl']];
    return [tool, ['-n', ns]];
  }

  /** Sets sysctls in namespaces, one short process each; answers the entries that failed. */
  private async sysctls<T>(
    entries: { ns: string; args: string[]; tag: T }[],
  ): Promise<{ tag: T; message: string }[]> {
    const failed: { tag: T; message: string }[] = [];
    await mapLimit(entries, this.concurrency, async ({ ns, args, tag }) => {
      const [cmd, pre] = await this.inNs(ns, 'sysctl');
      const res = await run(cmd, [...pre, '-q', '-w', ...args]);
      if (res.failure || res.code !== 0) failed.push({ tag, message: res.failure ?? res.stderr.trim() });
    });
    return failed;
  }

  vpcNetns(vpcId: string): string {
    return `${this.prefix}-v-${vpcId}`;
  }

  endpointNetns(endpointId: string): string {
    return `${this.prefix}-e-${endpointId}`;
  }

  private owns(ns: string): boolean {
    return ns.startsWith(`${this.prefix}-v-`) || ns.startsWith(`${this.prefix}-e-`);
  }

  async check(): Promise<void> {
    let capEff: bigint | null = null;
    try {
      const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
      if (m) capEff = BigInt(`0x${m[1]}`);
    } catch {
      // not Linux
    }
    if (capEff === null || (capEff & (1n << 12n)) === 0n) {
      throw new DataplaneUnavailable(
        'the linux dataplane needs CAP_NET_ADMIN (run peerlink serve as root or grant the capability); ' +
          'use --dataplane none to run without one',
      );
    }
    for (const tool of ['ip', 'tc']) {
      const res = await run(tool, ['-V'], { timeoutMs: 5000 });
      if (res.failure || res.code !== 0) {
        throw new DataplaneUnavailable(
          `the linux dataplane needs iproute2's \`${tool}\` on PATH (${res.failure ?? res.stderr.trim()})`,
        );
      }
    }
    await this.probeKernel();
  }

  /**
   * Tries, in a throwaway namespace of the prefix (removed by the next pass if left behind), what
   * the driver relies on: namespaces, veth, bridge, policy rules, tbf, proxy_arp.
   */
  private async probeKernel(): Promise<void> {
    const ns = this.vpcNetns('.probe');
    const steps: [string, string, string[]][] = [
      ['network namespaces', 'ip', ['netns', 'add', ns]],
      ['veth', 'ip', ['-n', ns, 'link', 'add', 'p-probe', 'type', 'veth', 'peer', 'name', 'e-probe']],
      ['bridges', 'ip', ['-n', ns, 'link', 'add', 'b-probe', 'type', 'bridge']],
      ['policy routing', 'ip', ['-n', ns, 'rule', 'add', 'pref', '1003', 'iif', 'b-probe', 'blackhole']],
      [
        'tbf (sch_tbf)',
        'tc',
        [
          '-n',
          ns,
          'qdisc',
          'replace',
          'dev',
          'p-probe',
          'root',
          'handle',
          '1:',
          'tbf',
          'rate',
          '10mbit',
          'burst',
          '32768',
          'latency',
          '50ms',
        ],
      ],
      [
        'proxy_arp',
        'ip',
        [
          'netns',
          'exec',
          ns,
          'sysctl',
          '-q',
          '-w',
          'net.ipv4.conf.p-probe.proxy_arp=1',
          'net.ipv4.neigh.p-probe.proxy_delay=0',
        ],
      ],
    ];
    try {
      for (const [feature, tool, args] of steps) {
        const res = await run(tool, args, { timeoutMs: 5000 });
        if (res.failure || res.code !== 0) {
          throw new DataplaneUnavailable(
            `the linux dataplane needs ${feature} in this kernel (${tool} ${args.join(' ')}: ${res.failure ?? res.stderr.trim()})`,
          );
        }
      }
    } finally {
      await run('ip', ['netns', 'del', ns], { timeoutMs: 5000 });
    }
  }

  // ---------------------------------------------------------------------------------------------
  // apply

  apply(desired: DesiredState, options: ApplyOptions = {}): Promise<ApplyReport> {
    return this.serialized(() => this.applyNow(desired, options.repair ?? true));
  }

  teardown(): Promise<void> {
    return this.serialized(() => this.teardownNow());
  }

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => {});
    return next;
  }

  private async applyNow(desired: DesiredState, repair: boolean): Promise<ApplyReport> {
    // Nothing changed since a pass that left everything converged, and no drift to look for: the
    // kernel is as that pass left it (as far as a change-driven pass may assume): no process at all.
    const whole = JSON.stringify(desired);
    const last = this.lastClean;
    this.lastClean = undefined;
    if (!repair && last?.desired === whole) {
      this.lastClean = last;
      return { items: last.items.map((i) => ({ ...i })), created: 0, changed: 0, removed: 0 };
    }
    const counts = { created: 0, changed: 0, removed: 0 };
    const errors = new Map<string, string[]>();
    const pending = new Map<string, string>();
    const netnsOf = new Map<string, string>();
    const touched = new Set<string>();
    const fail = (item: string, message: string) => {
      const list = errors.get(item) ?? [];
      if (list.length < 5 && !list.includes(message)) list.push(message);
      errors.set(item, list);
    };

    // ---- validate and index the desired state
    const vpcs = new Map<string, DesiredVpc>();
    const subnetOf = new Map<
      string,
      { vpcId: string; bridge: string; cidr: string; len: number; gw: string }
    >();
    for (const v of desired.vpcs) {
      const key = itemKey('vpc', v.vpcId);
      if (!ID_RE.test(v.vpcId)) {
        fail(key, `vpc id ${JSON.stringify(v.vpcId)} is not usable as a namespace name`);
        continue;
      }
      netnsOf.set(key, this.vpcNetns(v.vpcId));
      let ok = true;
      for (const s of v.subnets) {
        const c = parseCidr(s.cidr);
        if (!c || !ID_RE.test(s.subnetId) || !parseAddress(`${s.gateway}/${c.len}`)) {
          fail(key, `subnet ${s.subnetId}: invalid cidr ${s.cidr} or gateway ${s.gateway}`);
          ok = false;
          continue;
        }
        subnetOf.set(s.subnetId, {
          vpcId: v.vpcId,
          bridge: ifname('b', s.subnetId),
          cidr: c.text,
          len: c.len,
          gw: s.gateway,
        });
      }
      if (!ok) this.log?.warn({ vpcId: v.vpcId }, 'vpc has invalid subnets; they are skipped');
      vpcs.set(v.vpcId, v);
    }
    const links = new Map<string, DesiredLink>();
    for (const l of desired.links) {
      const key = itemKey('link', l.peerConnId);
      const [a, b] = l.vpcIds;
      if (!ID_RE.test(l.peerConnId)) fail(key, 'peer connection id is not usable as a name');
      else if (!vpcs.has(a) || !vpcs.has(b)) pending.set(key, 'waiting for both VPC routers to be desired');
      else if (a === b) fail(key, 'a peer link needs two different VPCs');
      else if (!(l.bandwidthMbps > 0) || !Number.isFinite(l.bandwidthMbps))
        fail(key, 'bandwidthMbps must be > 0');
      else links.set(l.peerConnId, l);
    }
    const endpoints = new Map<string, DesiredEndpoint>();
    for (const e of desired.endpoints) {
      const key = itemKey('endpoint', e.endpointId);
      const sub = subnetOf.get(e.subnetId);
      if (!ID_RE.test(e.endpointId)) fail(key, 'endpoint id is not usable as a namespace name');
      else if (!vpcs.has(e.vpcId)) pending.set(key, 'waiting for its VPC router to be desired');
      else if (!sub || sub.vpcId !== e.vpcId) pending.set(key, 'waiting for its subnet in its VPC');
      else if (!parseAddress(e.address) || !parseAddress(`${e.gateway}/32`)) {
        fail(key, `invalid address ${e.address} or gateway ${e.gateway}`);
      } else {
        endpoints.set(e.endpointId, e);
        netnsOf.set(key, this.endpointNetns(e.endpointId));
      }
    }
    const linksOf = new Map<string, DesiredLink[]>();
    for (const l of links.values()) {
      for (const v of l.vpcIds) {
        const list = linksOf.get(v);
        if (list) list.push(l);
        else linksOf.set(v, [l]);
      }
    }
    const endpointsOf = new Map<string, DesiredEndpoint[]>();
    for (const e of endpoints.values()) {
      const list = endpointsOf.get(e.vpcId);
      if (list) list.push(e);
      else endpointsOf.set(e.vpcId, [e]);
    }

    const nsInfo = new Map<string, NsInfo>();
    for (const v of vpcs.values()) {
      const fp = JSON.stringify([
        v,
        (endpointsOf.get(v.vpcId) ?? []).map((e) => [e.endpointId, e.subnetId]),
        (linksOf.get(v.vpcId) ?? []).map((l) => [l.peerConnId, l.vpcIds, l.bandwidthMbps]),
      ]);
      nsInfo.set(this.vpcNetns(v.vpcId), {
        kind: 'vpc',
        id: v.vpcId,
        item: itemKey('vpc', v.vpcId),
        fingerprint: fp,
      });
    }
    for (const e of endpoints.values()) {
      const fp = JSON.stringify([e, vpcs.get(e.vpcId)?.dnsZone]);
      nsInfo.set(this.endpointNetns(e.endpointId), {
        kind: 'endpoint',
        id: e.endpointId,
        item: itemKey('endpoint', e.endpointId),
        fingerprint: fp,
      });
    }

    const mark = phaseTimer();
    const report = (): ApplyReport => this.report(desired, errors, pending, netnsOf, touched, counts);

    // ---- namespaces: list (what `ip netns list` reads, without a process), remove orphans, create missing
    const existing = new Set<string>();
    try {
      for (const name of listNetns()) if (this.owns(name)) existing.add(name);
    } catch (err) {
      for (const key of netnsOf.keys()) fail(key, `cannot list ${NETNS_DIR}: ${(err as Error).message}`);
      return report();
    }

    const orphans = [...existing].filter((ns) => !nsInfo.has(ns));
    counts.removed += this.cleanupFiles(new Set(nsInfo.keys()), vpcs);
    if (orphans.length) {
      const res = await runBatch<string>(
        'ip',
        [],
        orphans.map((ns) => ({ line: `netns del ${ns}`, tag: ns })),
      );
      const failedNs = new Set(res.failed.map((f) => f.tag));
      for (const f of res.failed)
        this.log?.warn({ netns: f.tag, err: f.message }, 'cannot remove orphan namespace');
      for (const ns of orphans) {
        this.converged.delete(ns);
        if (!failedNs.has(ns)) counts.removed++;
      }
    }

    mark('orphans');
    const missing = [...nsInfo.keys()].filter((ns) => !existing.has(ns));
    const fresh = new Set<string>();
    if (missing.length) {
      const res = await runBatch<string>(
        'ip',
        [],
        missing.map((ns) => ({ line: `netns add ${ns}`, tag: ns })),
      );
      const failedNs = new Map(res.failed.map((f) => [f.tag, f.message]));
      for (const ns of missing) {
        const info = nsInfo.get(ns)!;
        const msg = failedNs.get(ns);
        this.converged.delete(ns);
        if (msg) {
          fail(info.item, `cannot create namespace ${ns}: ${msg}`);
          continue;
        }
        counts.created++;
        touched.add(info.item);
        fresh.add(ns);
      }
      const sysctl = missing
        .filter((ns) => fresh.has(ns) && nsInfo.get(ns)!.kind === 'vpc')
        .map((ns) => ({ ns, args: ROUTER_SYSCTLS, tag: nsInfo.get(ns)!.item }));
      for (const f of await this.sysctls(sysctl)) fail(f.tag, `sysctl: ${f.message}`);
    }
    const present = (ns: string) => fresh.has(ns) || existing.has(ns);

    mark('namespaces');
    // ---- what to read back: changed, failed or never converged, plus (repair) a round-robin slice
    const toRead = new Set<string>();
    const steady: string[] = [];
    for (const [ns, info] of nsInfo) {
      if (!present(ns) || fresh.has(ns)) continue;
      if (this.converged.get(ns) !== info.fingerprint) toRead.add(ns);
      else steady.push(ns);
    }
    steady.sort();
    const slice = repair ? Math.min(this.readbackPerPass, steady.length) : 0;
    if (this.cursor >= steady.length) this.cursor = 0;
    for (let i = 0; i < slice; i++) toRead.add(steady[(this.cursor + i) % steady.length]!);
    this.cursor = steady.length ? (this.cursor + slice) % steady.length : 0;
    // an endpoint's veth spans its namespace and its VPC router's: an endpoint is read with its
    // router; a router with its endpoints on a repair pass, or when they are not converged (a
    // change-driven pass reads a converged endpoint only when its router's side of the veth shows
    // trouble: plan's needRead)
    for (const ns of [...toRead, ...fresh]) {
      const info = nsInfo.get(ns)!;
      if (info.kind === 'endpoint') {
        const v = this.vpcNetns(endpoints.get(info.id)!.vpcId);
        if (present(v) && !fresh.has(v)) toRead.add(v);
      } else {
        for (const e of endpointsOf.get(info.id) ?? []) {
          const ens = this.endpointNetns(e.endpointId);
          if (!present(ens) || fresh.has(ens)) continue;
          if (repair || fresh.has(ns) || this.converged.get(ens) !== nsInfo.get(ens)?.fingerprint)
            toRead.add(ens);
        }
      }
    }

    const actual = new Map<string, Actual>();
    for (const ns of fresh) actual.set(ns, emptyActual());
    const readFailed = new Set<string>();
    const readSome = async (names: string[]) => {
      const got = await this.readMany(names.map((ns) => ({ ns, kind: nsInfo.get(ns)!.kind })));
      for (const [ns, a] of got) {
        if (typeof a === 'string') {
          fail(nsInfo.get(ns)!.item, a);
          readFailed.add(ns);
        } else actual.set(ns, a);
      }
    };
    await readSome([...toRead]);

    // ---- plan (links may need the other router read too: at most two rounds)
    let plan = this.plan(vpcs, links, endpoints, subnetOf, actual);
    if (plan.needRead.size) {
      await readSome(
        [...plan.needRead].filter((ns) => present(ns) && !actual.has(ns) && !readFailed.has(ns)),
      );
      plan = this.plan(vpcs, links, endpoints, subnetOf, actual);
    }

    // ---- program: deletions, creations, sysctls, shaping, configuration (up, addresses, routes)
    const failedNs = new Set<string>();
    const exec = async (phase: Map<string, BatchLine<Tag>[]>, tool: 'ip' | 'tc') => {
      await mapLimit([...phase.entries()], this.concurrency, async ([ns, lines]) => {
        const [cmd, pre] = await this.inNs(ns, tool);
        const res = await runBatch(cmd, pre, lines);
        const bad = new Set(res.failed.map((f) => f.line));
        for (const f of res.failed) {
          if (alreadyGone(f.line, f.message)) continue; // e.g. the peer end went with its namespace
          fail(f.tag.item, `${tool} ${f.line}: ${f.message}`);
          failedNs.add(ns);
        }
        for (const l of lines) {
          touched.add(l.tag.item);
          if (!bad.has(l.line)) counts[l.tag.effect]++;
        }
      });
    };
    for (const p of plan.problems) fail(p.item, p.message);
    mark('readback');
    await exec(plan.del, 'ip');
    mark('delete');
    await exec(plan.create, 'ip');
    mark('create');
    // A link end must answer ARP (proxy_arp, proxy_delay=0) and be shaped before it is up and
    // routes lead to it: the first ARP request a router sends on a new link otherwise may go
    // unanswered (or wait up to proxy_delay, 0.8 s) and is retried only after retrans_time (1 s).
    if (plan.sysctl.size) {
      const entries = [...plan.sysctl].map(([ns, s]) => ({ ns, args: s.args, tag: s.tags }));
      const failed = await this.sysctls(entries);
      for (const f of failed) for (const t of f.tag) fail(t.item, `sysctl: ${f.message}`);
      const bad = new Set(failed.map((f) => f.tag));
      for (const e of entries) if (!bad.has(e.tag)) for (const t of e.tag) counts[t.effect]++;
    }
    mark('sysctl');
    await exec(plan.tc, 'tc');
    mark('shape');
    // Both ends up (carrier) before either router routes to the link: an ARP request sent while the
    // other end is still down is lost, and the next one goes only 1 s later.
    await exec(plan.up, 'ip');
    mark('up');
    await exec(plan.conf, 'ip');
    mark('configure');

    // ---- files: resolv.conf of endpoints, DNS records and responders of routers
    for (const e of endpoints.values()) {
      const ns = this.endpointNetns(e.endpointId);
      if (!present(ns) || (!actual.has(ns) && this.converged.has(ns))) continue;
      const v = vpcs.get(e.vpcId)!;
      const text = `nameserver ${e.gateway}\n` + (v.dnsZone ? `search ${v.dnsZone}\n` : '');
      const res = writeIfDiffers(path.join('/etc/netns', ns, 'resolv.conf'), text, 'public');
      if (res instanceof Error) fail(itemKey('endpoint', e.endpointId), `resolv.conf: ${res.message}`);
      else if (res) counts[res]++;
    }
    for (const v of vpcs.values()) {
      const ns = this.vpcNetns(v.vpcId);
      if (!present(ns)) continue;
      const key = itemKey('vpc', v.vpcId);
      const records: Record<string, string> = {};
      for (const [name, ip] of Object.entries(v.dns ?? {}))
        records[name.toLowerCase().replace(/\.$/, '')] = ip;
      const file = path.join(this.dir, 'dns', `${v.vpcId}.json`);
      if (Object.keys(records).length === 0) {
        // nothing to answer: no process (a VPC router costs a node process only when it has names)
        if (this.recordsWritten.get(v.vpcId) === '' && !actual.has(ns)) continue;
        if (this.stopResponder(v.vpcId)) counts.removed++;
        this.recordsWritten.set(v.vpcId, '');
        continue;
      }
      const clients = v.subnets.flatMap((sn) => {
        const sub = subnetOf.get(sn.subnetId);
        return sub && sub.vpcId === v.vpcId ? [sub.cidr] : [];
      });
      const text = `${JSON.stringify({ records, clients })}\n`;
      if (
        this.recordsWritten.get(v.vpcId) === text &&
        !actual.has(ns) &&
        this.isOurResponderFor(v.vpcId, file)
      ) {
        continue; // unchanged and running: the at-rest pass costs two small reads
      }
      const w = writeIfDiffers(file, text);
      if (w instanceof Error) {
        fail(key, `dns records: ${w.message}`);
        continue;
      }
      if (w) counts[w]++;
      this.recordsWritten.set(v.vpcId, text);
      const started = this.ensureResponder(v.vpcId, ns, file, fresh.has(ns));
      if (started instanceof Error) fail(key, `dns responder: ${started.message}`);
      else if (started) {
        counts.created++;
        touched.add(key);
      }
    }

    mark('files');
    // ---- remember what converged
    for (const [ns, info] of nsInfo) {
      const linkErr = (linksOf.get(info.id) ?? []).some((l) => errors.has(itemKey('link', l.peerConnId)));
      if (!present(ns) || failedNs.has(ns) || readFailed.has(ns) || errors.has(info.item) || linkErr) {
        this.converged.delete(ns);
      } else if (actual.has(ns)) this.converged.set(ns, info.fingerprint);
    }
    this.log?.[counts.created + counts.changed + counts.removed ? 'info' : 'debug']?.(
      {
        ...counts,
        repair,
        namespaces: nsInfo.size,
        readBack: actual.size,
        errors: errors.size,
        phases: mark.done(),
      },
      'dataplane pass',
    );
    const done = report();
    const clean =
      errors.size === 0 &&
      failedNs.size === 0 &&
      readFailed.size === 0 &&
      [...nsInfo].every(([ns, info]) => this.converged.get(ns) === info.fingerprint);
    if (clean) this.lastClean = { desired: whole, items: done.items.map((i) => ({ ...i })) };
    return done;
  }

  private report(
    desired: DesiredState,
    errors: Map<string, string[]>,
    pending: Map<string, string>,
    netnsOf: Map<string, string>,
    touched: Set<string>,
    counts: { created: number; changed: number; removed: number },
  ): ApplyReport {
    const now = Date.now();
    const items: ItemStatus[] = [];
    const add = (kind: ItemKind, id: string) => {
      const key = itemKey(kind, id);
      const netns = netnsOf.get(key);
      const err = errors.get(key);
      const wait = pending.get(key);
      let status: ItemStatus;
      if (err) status = { kind, id, state: 'error', reason: err.join('; ') };
      else if (wait) status = { kind, id, state: 'pending', reason: wait };
      else {
        if (touched.has(key) || !this.programmedAt.has(key)) this.programmedAt.set(key, now);
        status = { kind, id, state: 'programmed', programmedAt: this.programmedAt.get(key)! };
      }
      if (netns) status.netns = netns;
      items.push(status);
    };
    for (const v of desired.vpcs) add('vpc', v.vpcId);
    for (const e of desired.endpoints) add('endpoint', e.endpointId);
    for (const l of desired.links) add('link', l.peerConnId);
    return { items, ...counts };
  }

  /**
   * Reads namespaces back with one `sh` per chunk (at most `concurrency` at once) that runs each
   * namespace's `ip` batch and `tc` show in turn: a spawn from this (large) process costs far more
   * than the command itself, so the node side pays one spawn per chunk, not two per namespace.
   */
  private async readMany(
    list: { ns: string; kind: 'vpc' | 'endpoint' }[],
  ): Promise<Map<string, Actual | string>> {
    const out = new Map<string, Actual | string>();
    if (list.length === 0) return out;
    const slot = '\0ns\0';
    const [ipCmd, ipPre] = await this.inNs(slot, 'ip');
    const [tcCmd, tcPre] = await this.inNs(slot, 'tc');
    const words = (cmd: string, pre: string[], ns: string) =>
      [cmd, ...pre.map((w) => w.replace(slot, ns))].map(shellQuote).join(' ');
    const size = Math.min(READ_CHUNK, Math.ceil(list.length / this.concurrency));
    const chunks: (typeof list)[] = [];
    for (let i = 0; i < list.length; i += size) chunks.push(list.slice(i, i + size));
    await mapLimit(chunks, this.concurrency, async (chunk) => {
      const nonce = randomBytes(8).toString('hex');
      const end = `rc=$?; echo; echo "@@${nonce} $rc"`;
      const script = chunk
        .map(({ ns, kind }) => {
          const ip = `${words(ipCmd, ipPre, ns)} -d -json -batch - 2>&1 <<'@@${nonce}'\n${showsOf(kind).join('\n')}\n@@${nonce}\n${end}`;
          return kind === 'vpc'
            ? `${ip}\n${words(tcCmd, tcPre, ns)} -json qdisc show 2>&1 </dev/null; ${end}`
            : ip;
        })
        .join('\n');
      const res = await run('sh', ['-c', script], { timeoutMs: 10_000 + 500 * chunk.length });
      const blocks: { text: string; code: number }[] = [];
      const re = new RegExp(`\\n@@${nonce} (\\d+)\\n`, 'g');
      let from = 0;
      for (let m = re.exec(res.stdout); m; m = re.exec(res.stdout)) {
        blocks.push({ text: res.stdout.slice(from, m.index), code: Number(m[1]) });
        from = m.index + m[0].length;
      }
      let next = 0;
      for (const { ns, kind } of chunk) {
        const ip = blocks[next++];
        const tc = kind === 'vpc' ? blocks[next++] : undefined;
        if (!ip || (kind === 'vpc' && !tc)) {
          out.set(ns, `cannot read ${ns}: ${res.failure ?? (res.stderr.trim() || 'no answer')}`);
          continue;
        }
        out.set(ns, parseNs(ns, kind, ip, tc));
      }
    });
    return out;
  }

  private plan(
    vpcs: Map<string, DesiredVpc>,
    links: Map<string, DesiredLink>,
    endpoints: Map<string, DesiredEndpoint>,
    subnetOf: Map<string, { vpcId: string; bridge: string; cidr: string; len: number; gw: string }>,
    actual: Map<string, Actual>,
  ) {
    const del = new Map<string, BatchLine<Tag>[]>();
    const create = new Map<string, BatchLine<Tag>[]>();
    const conf = new Map<string, BatchLine<Tag>[]>();
    /** Link ends to bring up: in every namespace before any route leads to a link (see applyNow). */
    const up = new Map<string, BatchLine<Tag>[]>();
    const tc = new Map<string, BatchLine<Tag>[]>();
    /** sysctl settings per namespace: one `sysctl` process per namespace that needs any. */
    const sysctl = new Map<string, { args: string[]; tags: Tag[] }>();
    const addSysctl = (ns: string, args: string[], tag: Tag) => {
      const cur = sysctl.get(ns) ?? { args: [], tags: [] };
      cur.args.push(...args);
      cur.tags.push(tag);
      sysctl.set(ns, cur);
    };
    const needRead = new Set<string>();
    /** Desired-state problems found while planning (reported as the item's error). */
    const problems: { item: string; message: string }[] = [];
    /** Interfaces (ns/ifname) that will be new after this pass: nothing on them survives. */
    const renewed = new Set<string>();
    const push = (
      m: Map<string, BatchLine<Tag>[]>,
      ns: string,
      line: string,
      item: string,
      effect: Effect,
    ) => {
      const list = m.get(ns) ?? [];
      list.push({ line, tag: { item, effect } });
      m.set(ns, list);
    };
    const isUp = (l: LinkJson | undefined) => !!l?.flags?.includes('UP');
    const kindOf = (l: LinkJson | undefined) => l?.linkinfo?.info_kind;

    // links: both ends, decided once per link
    const linkIfs = new Set<string>();
    for (const l of links.values()) {
      const name = ifname('p', l.peerConnId);
      const item = itemKey('link', l.peerConnId);
      const [na, nb] = l.vpcIds.map((v) => this.vpcNetns(v)) as [string, string];
      linkIfs.add(`${na}/${name}`).add(`${nb}/${name}`);
      const sa = actual.get(na);
      const sb = actual.get(nb);
      if (!sa && !sb) continue;
      const ia = sa?.links.get(name);
      const ib = sb?.links.get(name);
      const okA = kindOf(ia) === 'veth';
      const okB = kindOf(ib) === 'veth';
      if ((sa && !okA) || (sb && !okB)) {
        if (!sa || !sb) {
          needRead.add(sa ? nb : na);
          continue;
        }
        if (ia) push(del, na, `link del ${name}`, item, 'removed');
        if (ib) push(del, nb, `link del ${name}`, item, 'removed');
        push(create, na, `link add ${name} type veth peer name ${name} netns ${nb}`, item, 'created');
        renewed.add(`${na}/${name}`).add(`${nb}/${name}`);
      }
      const p = tbfParams(l.bandwidthMbps);
      for (const [ns, s] of [
        [na, sa],
        [nb, sb],
      ] as const) {
        if (!s) continue;
        const isNew = renewed.has(`${ns}/${name}`);
        const cur = isNew ? undefined : s.links.get(name);
        if (!isUp(cur)) push(up, ns, `link set ${name} up`, item, 'changed');
        const q = isNew ? undefined : s.qdiscs.find((x) => x.dev === name && x.root);
        const rate = q?.options?.rate64 ?? q?.options?.rate ?? 0;
        const burst = q?.options?.burst ?? 0;
        const same =
          q?.kind === 'tbf' &&
          q.handle === '1:' &&
          Math.abs(rate - p.rateBytes) <= p.rateBytes * 0.001 + 1 &&
          Math.abs(burst - p.burst) <= p.burst * 0.01 + 8;
        if (!same) {
          // `replace` cannot turn another kind at handle 1: into tbf: remove it first
          if (q && q.kind !== 'tbf' && q.kind !== 'noqueue')
            push(tc, ns, `qdisc del dev ${name} root`, item, 'removed');
          push(
            tc,
            ns,
            `qdisc replace dev ${name} root handle 1: tbf rate ${p.rateBytes * 8}bit burst ${p.burst} latency ${p.latencyMs}ms`,
            item,
            q ? 'changed' : 'created',
          );
        }
        const nc = s.netconf.find((x) => x.family === 'inet' && x.interface === name);
        if (isNew || !nc?.proxy_neigh) {
          addSysctl(ns, linkSysctls(name), { item, effect: isNew ? 'created' : 'changed' });
        }
      }
    }

    // endpoints: veth between the endpoint and its router's bridge
    const epIfs = new Set<string>();
    for (const e of endpoints.values()) {
      const vns = this.vpcNetns(e.vpcId);
      const ens = this.endpointNetns(e.endpointId);
      const sv = actual.get(vns);
      const se = actual.get(ens);
      const item = itemKey('endpoint', e.endpointId);
      const name = ifname('e', e.endpointId);
      const sub = subnetOf.get(e.subnetId)!;
      epIfs.add(`${vns}/${name}`);
      if (sv && !se) {
        // the router was read without its (converged) endpoint: read it too if the router's side
        // of the veth is not as it should be (the next round plans both)
        const iv = sv.links.get(name);
        const br = sv.links.get(sub.bridge);
        if (
          sv.fresh ||
          kindOf(iv) !== 'veth' ||
          iv?.master !== sub.bridge ||
          !isUp(iv) ||
          kindOf(br) !== 'bridge'
        )
          needRead.add(ens);
      }
      if (!sv || !se) continue; // read together, or neither
      const iv = sv.links.get(name);
      const ie = se.links.get('eth0');
      const okV = kindOf(iv) === 'veth';
      const okE = kindOf(ie) === 'veth';
      if (!okV || !okE) {
        if (iv) push(del, vns, `link del ${name}`, item, 'removed');
        if (ie) push(del, ens, 'link del eth0', item, 'removed');
        push(create, vns, `link add ${name} type veth peer name eth0 netns ${ens}`, item, 'created');
        renewed.add(`${vns}/${name}`).add(`${ens}/eth0`);
      }
      const curV = renewed.has(`${vns}/${name}`) ? undefined : iv;
      const curE = renewed.has(`${ens}/eth0`) ? undefined : ie;
      if (curV?.master !== sub.bridge || !isUp(curV)) {
        push(conf, vns, `link set ${name} master ${sub.bridge} up`, item, 'changed');
      }
      // endpoint side: lo, address, eth0 up, default route
      if (!isUp(se.links.get('lo'))) push(conf, ens, 'link set lo up', item, 'changed');
      for (const l of se.links.values()) {
        if (l.ifname !== 'lo' && l.ifname !== 'eth0') push(del, ens, `link del ${l.ifname}`, item, 'removed');
      }
      const want = parseAddress(e.address)!;
      const have = (curE?.addr_info ?? []).filter((x) => x.family === 'inet');
      // removing an interface's last address flushes every route through it: after any address
      // change the routes on it are programmed again (replace), not assumed
      let addrChanged = false;
      for (const x of have) {
        if (x.local !== want.ip || x.prefixlen !== want.len) {
          push(conf, ens, `addr del ${x.local}/${x.prefixlen} dev eth0`, item, 'removed');
          addrChanged = true;
        }
      }
      if (!have.some((x) => x.local === want.ip && x.prefixlen === want.len)) {
        push(conf, ens, `addr add ${want.ip}/${want.len} dev eth0`, item, 'created');
        addrChanged = true;
      }
      if (!isUp(curE)) push(conf, ens, 'link set eth0 up', item, 'changed');
      const routes = se.main.filter(
        (r) => r.protocol !== 'kernel' && !(curE === undefined && r.dev === 'eth0'),
      );
      const match = routes.find(
        (r) =>
          r.dst === 'default' &&
          r.gateway === e.gateway &&
          r.dev === 'eth0' &&
          (r.type ?? 'unicast') === 'unicast',
      );
      const good = addrChanged ? undefined : match;
      for (const r of routes) if (r !== match) push(conf, ens, `route del ${routeSpec(r)}`, item, 'removed');
      if (!good) {
        push(conf, ens, `route replace default via ${e.gateway} dev eth0 proto static`, item, 'created');
      }
    }

    // routers: strays, bridges, addresses, rules, own table, peer routes
    for (const v of vpcs.values()) {
      const ns = this.vpcNetns(v.vpcId);
      const s = actual.get(ns);
      if (!s) continue;
      const item = itemKey('vpc', v.vpcId);
      const bridges = new Map<string, { cidr: string; len: number; gw: string }>();
      for (const sn of v.subnets) {
        const sub = subnetOf.get(sn.subnetId);
        if (sub && sub.vpcId === v.vpcId) bridges.set(sub.bridge, sub);
      }
      if (!isUp(s.links.get('lo'))) push(conf, ns, 'link set lo up', item, 'changed');
      for (const l of s.links.values()) {
        const n = l.ifname;
        if (n === 'lo' || linkIfs.has(`${ns}/${n}`) || epIfs.has(`${ns}/${n}`)) continue;
        if (bridges.has(n) && kindOf(l) === 'bridge') continue;
        push(del, ns, `link del ${n}`, item, 'removed');
        if (bridges.has(n)) renewed.add(`${ns}/${n}`);
      }
      for (const br of bridges.keys()) {
        let cur = s.links.get(br);
        if (!cur || kindOf(cur) !== 'bridge') {
          push(create, ns, `link add ${br} type bridge`, item, 'created');
          renewed.add(`${ns}/${br}`);
          cur = undefined;
        }
        if (!isUp(cur)) push(conf, ns, `link set ${br} up`, item, 'changed');
      }
      // addresses: exactly the gateways on the bridges, nothing elsewhere (lo keeps its own)
      const addrDirty: string[] = [];
      for (const l of s.links.values()) {
        if (l.ifname === 'lo' || renewed.has(`${ns}/${l.ifname}`)) continue;
        const sub = bridges.get(l.ifname);
        for (const x of l.addr_info ?? []) {
          if (x.family !== 'inet') continue;
          if (sub && x.local === sub.gw && x.prefixlen === sub.len) continue;
          push(conf, ns, `addr del ${x.local}/${x.prefixlen} dev ${l.ifname}`, item, 'removed');
          addrDirty.push(l.ifname);
        }
      }
      for (const [br, sub] of bridges) {
        const cur = renewed.has(`${ns}/${br}`) ? undefined : s.links.get(br);
        const has = (cur?.addr_info ?? []).some(
          (x) => x.family === 'inet' && x.local === sub.gw && x.prefixlen === sub.len,
        );
        if (!has) {
          push(conf, ns, `addr add ${sub.gw}/${sub.len} dev ${br}`, item, 'created');
          addrDirty.push(br);
        }
      }
      // the routes through an interface whose addresses change are programmed again (see endpoints)
      for (const dev of addrDirty) renewed.add(`${ns}/${dev}`);
      // policy: own subnets (from their bridge) and the router itself use main; a foreign source on
      // a bridge is dropped; everything else (whatever comes in on a peer link) may only reach the
      // router's own subnets: never forwarded out another link, whatever the main table says
      const wantRules = new Map<string, string>();
      for (const [br, sub] of bridges) {
        wantRules.set(
          ruleKey({
            priority: PREF_FROM_SUBNET,
            src: sub.cidr.split('/')[0],
            srclen: sub.len,
            iif: br,
            table: 'main',
          }),
          `pref ${PREF_FROM_SUBNET} from ${sub.cidr} iif ${br} lookup main`,
        );
      }
      for (const br of bridges.keys()) {
        wantRules.set(
          ruleKey({ priority: PREF_FOREIGN_SOURCE, src: 'all', iif: br, action: 'blackhole' }),
          `pref ${PREF_FOREIGN_SOURCE} iif ${br} blackhole`,
        );
      }
      wantRules.set(
        ruleKey({ priority: PREF_LOCAL_OUT, src: 'all', iif: 'lo', table: 'main' }),
        `pref ${PREF_LOCAL_OUT} iif lo lookup main`,
      );
      wantRules.set(
        ruleKey({ priority: PREF_OWN_ONLY, src: 'all', table: String(TABLE_OWN) }),
        `pref ${PREF_OWN_ONLY} lookup ${TABLE_OWN}`,
      );
      const haveRules = new Set<string>();
      for (const r of s.rules) {
        const k = ruleKey(r);
        if (isDefaultRule(r)) continue;
        if (wantRules.has(k) && !haveRules.has(k)) {
          haveRules.add(k);
          continue;
        }
        push(conf, ns, `rule del ${ruleSpec(r)}`, item, 'removed');
      }
      for (const [k, spec] of wantRules)
        if (!haveRules.has(k)) push(conf, ns, `rule add ${spec}`, item, 'created');
      // the own-subnets-only table
      const wantOwn = new Map<string, string>();
      for (const [br, sub] of bridges) {
        wantOwn.set(
          `unicast ${sub.cidr} ${br}`,
          `${sub.cidr} dev ${br} table ${TABLE_OWN} proto static scope link`,
        );
      }
      wantOwn.set('unreachable 0.0.0.0/0 ', `unreachable default table ${TABLE_OWN} proto static`);
      this.diffRoutes(s.own, wantOwn, ns, renewed, item, TABLE_OWN, (line, effect) =>
        push(conf, ns, line, item, effect),
      );
      // peer routes, only toward a link that is desired and joins this VPC
      // (never one that overlaps an own subnet: it would replace or shadow the connected route)
      const wantMain = new Map<string, string>();
      const dsts = new Set<string>();
      for (const r of v.routes ?? []) {
        const c = parseCidr(r.destination);
        if (!c) {
          problems.push({ item, message: `route destination ${r.destination} is not an IPv4 CIDR` });
          continue;
        }
        const l = links.get(r.peerConnId);
        if (!l?.vpcIds.includes(v.vpcId) || dsts.has(c.text)) continue;
        if ([...bridges.values()].some((sub) => cidrsOverlap(sub.cidr, c.text))) {
          problems.push({ item, message: `route to ${c.text} overlaps a subnet of the VPC; not programmed` });
          continue;
        }
        dsts.add(c.text);
        const dev = ifname('p', l.peerConnId);
        wantMain.set(`unicast ${c.text} ${dev}`, `${c.text} dev ${dev} proto static scope link`);
      }
      this.diffRoutes(
        s.main.filter((r) => r.protocol !== 'kernel'),
        wantMain,
        ns,
        renewed,
        item,
        'main',
        (line, effect) => push(conf, ns, line, item, effect),
      );
      // forwarding and source checks (set at creation; repaired when someone changed them)
      const all = s.netconf.find((x) => x.family === 'inet' && x.interface === 'all');
      if (!s.fresh && all && (!all.forwarding || (all.rp_filter !== 'off' && all.rp_filter !== 0))) {
        addSysctl(ns, ROUTER_SYSCTLS, { item, effect: 'changed' });
      }
    }
    // endpoint namespaces' conf must come after their veth exists: conf runs after create
    return { del, create, up, conf, tc, sysctl, needRead, problems };
  }

  private diffRoutes(
    have: RouteJson[],
    want: Map<string, string>,
    ns: string,
    renewed: Set<string>,
    _item: string,
    table: number | 'main',
    emit: (line: string, effect: Effect) => void,
  ): void {
    const seen = new Set<string>();
    for (const r of have) {
      if (r.dev && renewed.has(`${ns}/${r.dev}`)) continue; // goes with its interface
      const k = `${r.type ?? 'unicast'} ${canonicalDst(r.dst)} ${r.dev ?? ''}`;
      if (want.has(k) && !seen.has(k) && !r.gateway) {
        seen.add(k);
        continue;
      }
      emit(`route del ${routeSpec(r)} table ${table}`, 'removed');
    }
    for (const [k, spec] of want) if (!seen.has(k)) emit(`route replace ${spec}`, 'created');
  }

  /** Starts the VPC's responder unless ours is running; true when it started one. */
  private ensureResponder(vpcId: string, ns: string, recordsFile: string, freshNs: boolean): boolean | Error {
    const pidFile = path.join(this.dir, 'dns', `${vpcId}.pid`);
    const pid = readPid(pidFile);
    if (pid && this.isOurResponder(pid, recordsFile)) {
      if (!freshNs) return false;
      // its namespace was re-created: the old one serves a namespace nobody can reach any more
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    try {
      const child = spawn('ip', ['netns', 'exec', ns, process.execPath, this.script, recordsFile], {
        detached: true,
        stdio: 'ignore',
      });
      child.on('error', (err) =>
        this.log?.error({ netns: ns, err: err.message }, 'dns responder failed to start'),
      );
      child.unref();
      if (!child.pid) return new Error('spawn gave no pid');
      atomicWrite(pidFile, `${child.pid}\n`);
      this.log?.info({ netns: ns, pid: child.pid }, 'dns responder started');
      return true;
    } catch (err) {
      return err as Error;
    }
  }

  private isOurResponderFor(vpcId: string, recordsFile: string): boolean {
    const pid = readPid(path.join(this.dir, 'dns', `${vpcId}.pid`));
    return pid !== null && this.isOurResponder(pid, recordsFile);
  }

  private isOurResponder(pid: number, recordsFile: string): boolean {
    try {
      process.kill(pid, 0);
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      // its records file names it; any build of the responder counts (a server upgrade moves the
      // script, and a second responder could not bind port 53 next to the first)
      return argv.includes(recordsFile) && argv.some((a) => a.endsWith('dns-responder.js'));
    } catch {
      return false;
    }
  }

  private stopResponder(vpcId: string): boolean {
    const pidFile = path.join(this.dir, 'dns', `${vpcId}.pid`);
    const recordsFile = path.join(this.dir, 'dns', `${vpcId}.json`);
    const pid = readPid(pidFile);
    let stopped = false;
    if (pid && this.isOurResponder(pid, recordsFile)) {
      try {
        process.kill(pid, 'SIGKILL');
        stopped = true;
      } catch {
        // already gone
      }
    }
    rmSync(pidFile, { force: true });
    rmSync(recordsFile, { force: true });
    return stopped;
  }

  /** Removes responders, records and /etc/netns dirs of this prefix that are not desired. */
  private cleanupFiles(keep: Set<string>, vpcs: Map<string, DesiredVpc>): number {
    let removed = 0;
    const dnsDir = path.join(this.dir, 'dns');
    for (const f of safeReaddir(dnsDir)) {
      const m = /^(.*)\.(pid|json)$/.exec(f);
      if (!m || vpcs.has(m[1]!)) continue;
      if (m[2] === 'pid' && this.stopResponder(m[1]!)) removed++;
      rmSync(path.join(dnsDir, f), { force: true });
    }
    for (const d of safeReaddir('/etc/netns')) {
      if (!this.owns(d) || keep.has(d)) continue;
      rmSync(path.join('/etc/netns', d), { recursive: true, force: true });
      removed++;
    }
    return removed;
  }

  private async teardownNow(): Promise<void> {
    this.cleanupFiles(new Set(), new Map());
    const listed = await run('ip', ['-json', 'netns', 'list']);
    let names: string[] = [];
    try {
      names = ((listed.stdout.trim() ? JSON.parse(listed.stdout) : []) as { name: string }[])
        .map((n) => n.name)
        .filter((n) => this.owns(n));
    } catch {
      // nothing listed
    }
    const res = await runBatch(
      'ip',
      [],
      names.map((ns) => ({ line: `netns del ${ns}`, tag: ns })),
    );
    for (const f of res.failed) this.log?.warn({ netns: f.tag, err: f.message }, 'cannot remove namespace');
    rmSync(this.dir, { recursive: true, force: true });
    this.lastClean = undefined;
    this.converged.clear();
    this.recordsWritten.clear();
    this.programmedAt.clear();
  }
}

const READ_CHUNK = 64;

/** `ip` commands that read a namespace back (`-d addr show`: kind, master, flags and addresses at once). */
function showsOf(kind: 'vpc' | 'endpoint'): string[] {
  return kind === 'vpc'
    ? ['addr show', 'route show table main', `route show table ${TABLE_OWN}`, 'rule show', 'netconf show']
    : ['addr show', 'route show table main'];
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** One namespace's state from its `ip` batch (and, for a router, `tc qdisc show`) output. */
function parseNs(
  ns: string,
  kind: 'vpc' | 'endpoint',
  ip: { text: string; code: number },
  tc: { text: string; code: number } | undefined,
): Actual | string {
  const shows = showsOf(kind);
  if (ip.code !== 0) return `cannot read ${ns}: ${ip.text.trim()}`;
  let docs: unknown[];
  try {
    docs = parseJsonSeq(ip.text);
  } catch (err) {
    return `cannot parse the state of ${ns}: ${(err as Error).message}`;
  }
  if (docs.length !== shows.length)
    return `cannot read ${ns}: expected ${shows.length} answers, got ${docs.length}`;
  const a = emptyActual();
  a.fresh = false;
  for (const l of docs[0] as LinkJson[]) a.links.set(l.ifname, l);
  a.main = docs[1] as RouteJson[];
  if (kind === 'vpc' && tc) {
    a.own = docs[2] as RouteJson[];
    a.rules = docs[3] as RuleJson[];
    a.netconf = docs[4] as NetconfJson[];
    if (tc.code !== 0) return `cannot read qdiscs of ${ns}: ${tc.text.trim()}`;
    try {
      a.qdiscs = (tc.text.trim() ? JSON.parse(tc.text) : []) as QdiscJson[];
    } catch (err) {
      return `cannot parse qdiscs of ${ns}: ${(err as Error).message}`;
    }
  }
  return a;
}

/** Where iproute2 keeps named network namespaces (`ip netns list` lists this directory). */
const NETNS_DIR = '/run/netns';

function listNetns(): string[] {
  try {
    return readdirSync(NETNS_DIR);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** A deletion that failed because its object is already gone: the desired outcome. */
function alreadyGone(line: string, message: string): boolean {
  if (!/^(link|addr|route|rule|qdisc) del /.test(line)) return false;
  return /Cannot find device|No such process|No such file or directory|Cannot assign requested address|Invalid handle/.test(
    message,
  );
}

/** Milliseconds spent per named phase of a pass (for the pass log line). */
function phaseTimer(): ((name: string) => void) & { done(): Record<string, number> } {
  let last = performance.now();
  const phases: Record<string, number> = {};
  const mark = (name: string) => {
    const now = performance.now();
    phases[name] = Math.round(now - last);
    last = now;
  };
  return Object.assign(mark, { done: () => phases });
}

function emptyActual(): Actual {
  return {
    links: new Map([['lo', { ifname: 'lo', flags: ['LOOPBACK'], linkinfo: {} }]]),
    main: [],
    own: [],
    rules: [
      { priority: 0, src: 'all', table: 'local' },
      { priority: 32766, src: 'all', table: 'main' },
      { priority: 32767, src: 'all', table: 'default' },
    ],
    netconf: [],
    qdiscs: [],
    fresh: true,
  };
}

function isDefaultRule(r: RuleJson): boolean {
  return (
    r.iif === undefined &&
    (r.src ?? 'all') === 'all' &&
    ((r.priority === 0 && r.table === 'local') ||
      (r.priority === 32766 && r.table === 'main') ||
      (r.priority === 32767 && r.table === 'default'))
  );
}

function ruleKey(r: RuleJson): string {
  const src = r.src === undefined || r.src === 'all' ? 'all' : `${r.src}/${r.srclen ?? 32}`;
  return `${r.priority} ${src} ${r.iif ?? ''} ${r.table ?? ''} ${r.action ?? ''}`;
}

function ruleSpec(r: RuleJson): string {
  const parts = [`pref ${r.priority}`];
  if (r.src && r.src !== 'all') parts.push(`from ${r.src}/${r.srclen ?? 32}`);
  if (r.iif) parts.push(`iif ${r.iif}`);
  if (r.table) parts.push(`lookup ${r.table}`);
  if (r.action) parts.push(r.action);
  return parts.join(' ');
}

function routeSpec(r: RouteJson): string {
  const parts: string[] = [];
  if (r.type && r.type !== 'unicast') parts.push(r.type);
  parts.push(r.dst === 'default' || !r.dst ? 'default' : r.dst);
  if (r.gateway) parts.push(`via ${r.gateway}`);
  if (r.dev) parts.push(`dev ${r.dev}`);
  return parts.join(' ');
}

function readPid(file: string): number | null {
  try {
    const n = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(n) && n > 1 ? n : null;
  } catch {
    return null;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * Our own state (DNS records, pid files) is the owner's only, like the rest of the data directory;
 * an endpoint's resolv.conf is read by whatever runs in the endpoint, so it is world-readable.
 */
type FileAccess = 'private' | 'public';

function atomicWrite(file: string, text: string, access: FileAccess = 'private'): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: access === 'private' ? 0o700 : 0o755 });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode: access === 'private' ? 0o600 : 0o644 });
  renameSync(tmp, file);
}

/** Writes the file (tmp + rename) unless it already holds `text`; says what it did. */
function writeIfDiffers(file: string, text: string, access: FileAccess = 'private'): Effect | null | Error {
  try {
    const had = existsSync(file);
    if (had && readFileSync(file, 'utf8') === text) return null;
    atomicWrite(file, text, access);
    return had ? 'changed' : 'created';
  } catch (err) {
    return err as Error;
  }
}
