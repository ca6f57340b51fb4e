// The scale bench's direct SQLite work: bulk generation of peer connections into a stopped server's
// data directory, marking rows due, and timing the reconciler's query with its query plan.
import { statSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';

/** The server's database file in a data directory (store/database.ts). */
const SQLITE_FILE = 'peerlink.sqlite';

const TIME_CHARS = 8;
const ENTROPY_CHARS = 4;
const ENTROPY_SPACE = 36 ** ENTROPY_CHARS;

/**
 * `prefix-` + 8 base-36 characters of milliseconds + 4 of entropy: the same ids as `formatId` in
 * packages/server/src/domain/ids.ts (not exported from the package), so generated ids sort in
 * creation order and pass the server's id patterns.
 */
export function formatId(prefix, timeMs, entropy) {
  const time = Math.max(0, Math.floor(timeMs)).toString(36).padStart(TIME_CHARS, '0').slice(-TIME_CHARS);
  const tail = (entropy % ENTROPY_SPACE).toString(36).padStart(ENTROPY_CHARS, '0');
  return `${prefix}-${time}${tail}`;
}

const randomEntropy = () => Math.floor(Math.random() * ENTROPY_SPACE);

export function openData(dataDir) {
  const db = new SQLite(path.join(dataDir, SQLITE_FILE));
  db.pragma('busy_timeout = 5000');
  return db;
}

/** Size of the database file plus its WAL, in MiB. */
export function databaseMiB(dataDir) {
  const size = (name) => {
    try {
      return statSync(path.join(dataDir, name)).size;
    } catch {
      return 0;
    }
  };
  return (size(SQLITE_FILE) + size(`${SQLITE_FILE}-wal`)) / 2 ** 20;
}

/**
 * Connection k joins VPC i = k mod n with VPC i + d (mod n), d = 1 + floor(k / n): round by round
 * every VPC gains one more peer, and the unordered pairs stay distinct while d ≤ (n - 1) / 2.
 */
export function pairOf(k, n) {
  const i = k % n;
  return [i, (i + 1 + Math.floor(k / n)) % n];
}

export const distinctPairs = (n) => n * Math.floor((n - 1) / 2);

/** Every tenth connection is prepaid, its paid period ending within 30 days: due in the future. */
const isPrepaid = (k) => k % 10 === 7;

const ROWS_PER_TRANSACTION = 50_000;

/**
 * Inserts connections `from` … `to - 1` (by generation index k) as the server would have stored
 * them once active: same-account, both ends owned by `accountId`, each end in its VPC's region,
 * `pair_key` the sorted VPC pair (distinct for every k), `next_due_at` NULL, or the end of the paid
 * period for prepaid ones. Connection k was created at `baseMs + k`, so ids are time-sorted and
 * unique (one connection per millisecond, the two interface ids apart by their entropy). Runs on a
 * stopped server's database, without a journal, in large transactions.
 */
export function generateConns(db, { from, to, accountId, vpcs, baseMs, now }) {
  if (to > distinctPairs(vpcs.length)) throw new Error(`${vpcs.length} VPCs have fewer than ${to} pairs`);
  const insertConn = db.prepare(
    `INSERT INTO peer_conns (id, status, next_status, status_due_at, bandwidth_mbps, payment_timing,
       reservation_months, expires_at, consult_deadline, delete_protect, tags, created_at, deleted_at,
       initiator_account_id, pair_key, next_due_at)
     VALUES (?, 'active', NULL, NULL, 10, ?, ?, ?, NULL, 0, '[]', ?, NULL, ?, ?, ?)`,
  );
  const insertEnd = db.prepare(
    `INSERT INTO peer_conn_ends (peer_conn_id, end_index, role, account_id, region, vpc_id, if_id, if_name,
       description, dns_status, dns_due_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', 'close', NULL)`,
  );
  const insertRange = db.transaction((start, end) => {
    for (let k = start; k < end; k++) {
      const createdAt = baseMs + k;
      const id = formatId('peerconn', createdAt, randomEntropy());
      const [a, b] = pairOf(k, vpcs.length).map((i) => vpcs[i]);
      const pairKey = a.id < b.id ? `${a.id}|${b.id}` : `${b.id}|${a.id}`;
      const prepaid = isPrepaid(k);
      const expiresAt = prepaid ? now + Math.ceil(Math.random() * 30 * 86_400_000) : null;
      insertConn.run(
        id,
        prepaid ? 'Prepaid' : 'Postpaid',
        prepaid ? 1 : null,
        expiresAt,
        createdAt,
        accountId,
        pairKey,
        expiresAt,
      );
      const entropy = randomEntropy();
      [a, b].forEach((vpc, endIndex) => {
        const ifId = formatId('qpif', createdAt, entropy + endIndex);
        const role = endIndex === 0 ? 'initiator' : 'acceptor';
        insertEnd.run(id, endIndex, role, accountId, vpc.region, vpc.id, ifId, `int-${ifId.slice(-8)}`);
      });
    }
  });
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -524288'); // 512 MiB, for the index inserts
  for (let k = from; k < to; k += ROWS_PER_TRANSACTION)
    insertRange(k, Math.min(to, k + ROWS_PER_TRANSACTION));
  // Back to the server's own mode before it opens the file again.
  db.pragma('journal_mode = WAL');
}

/**
 * Makes `count` connections, spread evenly over the `total` stored ones (rowid order is insertion
 * order), due at `dueAt`: `creating` with `active` next, as a freshly created connection is, so the
 * reconciler has a real step to take on each. Everything else keeps NULL or a future due time.
 */
export function markDue(db, { count, total, dueAt }) {
  const update = db.prepare(
    `UPDATE peer_conns SET status = 'creating', next_status = 'active', status_due_at = ?, expires_at = NULL,
       next_due_at = ? WHERE rowid = ?`,
  );
  const step = total / count;
  db.transaction(() => {
    for (let j = 0; j < count; j++) {
      if (update.run(dueAt, dueAt, 1 + Math.floor(j * step)).changes !== 1)
        throw new Error('no row to mark due');
    }
  })();
}

/** The reconciler's query, as Kysely compiles `duePeerConnIds` (store/repositories/peer-conns.ts). */
export const DUE_SQL =
  'select "id" from "peer_conns" where "next_due_at" <= ? order by "next_due_at" limit ?';

/** The first query of a list page, as Kysely compiles `listVisibleEnds` without and with a marker. */
export const LIST_SQL =
  'select "peer_conn_id", "role" from "peer_conn_ends" where "account_id" = ? and "region" = ? order by "peer_conn_id", "end_index" limit ?';
export const LIST_MARKER_SQL =
  'select "peer_conn_id", "role" from "peer_conn_ends" where "account_id" = ? and "region" = ? and "peer_conn_id" >= ? and ("peer_conn_id" > ? or "end_index" >= ?) order by "peer_conn_id", "end_index" limit ?';

export function queryPlan(db, sql, params) {
  return db
    .prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .all(...params)
    .map((row) => row.detail)
    .join('; ');
}

/** Runs a prepared statement once, then `runs` more times; the first time, the median and the rows. */
export function timeQuery(db, sql, params, runs = 21) {
  const statement = db.prepare(sql);
  const once = () => {
    const start = performance.now();
    const rows = statement.all(...params);
    return { ms: performance.now() - start, found: rows.length };
  };
  const first = once();
  const times = Array.from({ length: runs }, () => once().ms).sort((a, b) => a - b);
  return { found: first.found, firstMs: first.ms, medianMs: times[Math.floor(runs / 2)] };
}

/** The reconciler's query for `limit` due rows, timed, with its query plan. */
export function timeDueQuery(db, { now, limit }) {
  return { ...timeQuery(db, DUE_SQL, [now, limit], 9), plan: queryPlan(db, DUE_SQL, [now, limit]) };
}

/**
 * A list marker `tail` ends before the end of the account's ends in the region, so the page after
 * it is full: `peerconn-…` for an initiator end, `peerconn-…/acceptor` for an acceptor end.
 */
export function deepMarker(db, { accountId, region, tail }) {
  const row = db
    .prepare(
      `SELECT peer_conn_id, end_index FROM peer_conn_ends WHERE account_id = ? AND region = ?
       ORDER BY peer_conn_id DESC, end_index DESC LIMIT 1 OFFSET ?`,
    )
    .get(accountId, region, tail);
  return row.end_index === 0 ? row.peer_conn_id : `${row.peer_conn_id}/acceptor`;
}

export function countEnds(db, { accountId, region }) {
  return db
    .prepare('SELECT count(*) AS n FROM peer_conn_ends WHERE account_id = ? AND region = ?')
    .get(accountId, region).n;
}

export function countDue(db, now) {
  return db.prepare('SELECT count(*) AS n FROM peer_conns WHERE next_due_at <= ?').get(now).n;
}
