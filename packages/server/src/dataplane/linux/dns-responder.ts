/**
 * The VPC router's DNS responder: a standalone process started detached inside a VPC router
 * namespace (`ip netns exec <ns> node dns-responder.js <recordsFile>`), so it outlives the control
 * plane. It answers A queries on UDP port 53 for the names in its records file
 * (`{"records": {"name": "ipv4"}, "clients": ["cidr", …]}`), NXDOMAIN for any other name,
 * case-insensitively, only to clients in `clients` (the VPC's own subnets: a peer VPC reaches the
 * router's addresses over the link, but must not read its names), and re-reads the file when it
 * changes (one stat per second). It exits when the records file is removed.
 */
import dgram from 'node:dgram';
import { readFileSync, statSync } from 'node:fs';
import dnsPacket from 'dns-packet';

const POLL_MS = 1000;
const TTL = 5;
const recordsFile = process.argv[2];
if (!recordsFile) {
  process.stderr.write('usage: dns-responder <recordsFile>\n');
  process.exit(2);
}

let records = new Map<string, string>();
/** [network, mask] of the allowed client subnets; null when the file names none (answer all). */
let clients: [number, number][] | null = null;

function ipToInt(ip: string): number {
  return ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0) >>> 0;
}

function parseClients(list: unknown): [number, number][] | null {
  if (!Array.isArray(list)) return null;
  const out: [number, number][] = [];
  for (const c of list) {
    const [ip, len] = String(c).split('/');
    const n = Number(len ?? 32);
    const mask = n === 0 ? 0 : (0xffffffff << (32 - n)) >>> 0;
    out.push([(ipToInt(ip ?? '0.0.0.0') & mask) >>> 0, mask]);
  }
  return out;
}

function allowed(address: string): boolean {
  if (!clients) return true;
  const a = ipToInt(address);
  return clients.some(([net, mask]) => (a & mask) >>> 0 === net);
}
let seen = '';

function load(): void {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(recordsFile!);
  } catch {
    process.exit(0); // the driver removed the records file: this VPC's resolver is gone
  }
  const key = `${st.ino}:${st.mtimeMs}:${st.size}`;
  if (key === seen) return;
  try {
    const parsed = JSON.parse(readFileSync(recordsFile!, 'utf8')) as {
      records?: Record<string, string>;
      clients?: string[];
    };
    const next = new Map<string, string>();
    for (const [name, ip] of Object.entries(parsed.records ?? {})) next.set(normalize(name), ip);
    records = next;
    clients = parseClients(parsed.clients);
    seen = key;
  } catch {
    // a partial or invalid file: keep the previous records and read it again next poll
  }
}

function normalize(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

load();
setInterval(load, POLL_MS).unref();

const socket = dgram.createSocket('udp4');
socket.on('message', (msg, rinfo) => {
  if (!allowed(rinfo.address)) return;
  let query: dnsPacket.Packet;
  try {
    query = dnsPacket.decode(msg);
  } catch {
    return;
  }
  if (query.type !== 'query' || !query.questions?.length) return;
  const answers: dnsPacket.Answer[] = [];
  let known = true;
  for (const q of query.questions) {
    const ip = records.get(normalize(q.name));
    if (ip === undefined) {
      known = false;
      continue;
    }
    if (q.type === 'A' || (q.type as string) === 'ANY')
      answers.push({ type: 'A', class: 'IN', name: q.name, ttl: TTL, data: ip });
  }
  const rd = (query.flags ?? 0) & dnsPacket.RECURSION_DESIRED;
  const response = dnsPacket.encode({
    id: query.id ?? 0,
    type: 'response',
    // AA, RD echoed; rcode 3 (NXDOMAIN) for a name this VPC does not know
    flags: dnsPacket.AUTHORITATIVE_ANSWER | rd | (known ? 0 : 3),
    questions: query.questions,
    answers,
  });
  socket.send(response, rinfo.port, rinfo.address);
});
socket.on('error', (err) => {
  process.stderr.write(`dns-responder: ${err.message}\n`);
  process.exit(1);
});
socket.bind(53, '0.0.0.0');
