import type { Clock } from '../clock.js';

/** Too many failed attempts for the username or from the address: this one was not checked. */
export class LoginThrottled extends Error {
  override name = 'LoginThrottled';
  constructor(readonly retryAfterSeconds: number) {
    super(`too many failed password attempts; try again in ${retryAfterSeconds} s`);
  }
}

/** How one kind of key is throttled. */
export interface ThrottleRule {
  /** Failures that cost nothing: a person mistyping a password a few times never waits. */
  freeFailures: number;
  /** The first wait after the free failures; each further failure doubles it. */
  baseDelayMs: number;
  /** The longest wait. */
  maxDelayMs: number;
}

/**
 * The rules per key kind. The user's cap stays short: anyone may fail logins for any username, and
 * a long cap would let them keep the real user out. The address and the address+user pair may wait
 * longer: they only slow whoever sends from that address.
 */
export const THROTTLE_RULES = {
  user: { freeFailures: 5, baseDelayMs: 1000, maxDelayMs: 15_000 },
  pair: { freeFailures: 5, baseDelayMs: 1000, maxDelayMs: 60_000 },
  // Higher: many people may log in from behind one NAT or proxy address.
  address: { freeFailures: 20, baseDelayMs: 1000, maxDelayMs: 60_000 },
} as const satisfies Record<string, ThrottleRule>;
export type KeyKind = keyof typeof THROTTLE_RULES;

/** A key's state is forgotten this long after its last failure (so old mistakes stop counting). */
export const THROTTLE_FORGET_MS = 15 * 60 * 1000;
/** Keys remembered at once; past this the least recently failed are forgotten first. */
export const THROTTLE_MAX_KEYS = 10_000;

interface KeyState {
  failures: number;
  /** No attempt for this key is checked before this time. */
  blockedUntil: number;
  lastFailureAt: number;
}

/** An admitted attempt: what to undo if it turns out to be the right password. */
export interface Admission {
  keys: { kind: KeyKind; key: string; before: KeyState | undefined }[];
}

/**
 * Slows password guessing, per username, per source address and per pair of both. Every attempt
 * that is let through is counted as a failure at once, before its password is hashed: a burst of
 * concurrent guesses is then throttled as surely as a sequence (counting after the hash would let
 * every request of the burst in). A success takes its own count back for the user, and clears the
 * address's and the pair's state. State lives in this process only: each replica throttles on its
 * own, so N replicas allow N times the attempts.
 */
export class LoginThrottle {
  private readonly state = new Map<string, KeyState>();

  constructor(
    /** Wall time (the auth clock): moving the test clock must neither lift nor extend a wait. */
    private readonly clock: Clock,
    private readonly rules: Record<KeyKind, ThrottleRule> = THROTTLE_RULES,
    private readonly maxKeys = THROTTLE_MAX_KEYS,
  ) {}

  /**
   * Lets an attempt through (answers its admission) or answers how many milliseconds to wait before
   * the next one for these keys will be checked.
   */
  admit(keys: Partial<Record<KeyKind, string>>): Admission | { waitMs: number } {
    const now = this.clock.now();
    const entries = (Object.entries(keys) as [KeyKind, string | undefined][])
      .filter((entry): entry is [KeyKind, string] => entry[1] !== undefined)
      .map(([kind, key]) => ({ kind, key: `${kind}:${key}`, current: this.read(`${kind}:${key}`, now) }));
    const waitMs = Math.max(0, ...entries.map((e) => (e.current ? e.current.blockedUntil - now : 0)));
    if (waitMs > 0) return { waitMs };
    for (const { kind, key, current } of entries) {
      const failures = (current?.failures ?? 0) + 1;
      const rule = this.rules[kind];
      const over = failures - rule.freeFailures;
      const delay = over > 0 ? Math.min(rule.maxDelayMs, rule.baseDelayMs * 2 ** (over - 1)) : 0;
      this.write(key, { failures, blockedUntil: now + delay, lastFailureAt: now });
    }
    return { keys: entries.map(({ kind, key, current }) => ({ kind, key, before: current })) };
  }

  /**
   * The admitted attempt had the right password. The address and the pair start afresh; the user's
   * state goes back to what it was before this attempt, so a success from one place does not wipe
   * out a guessing campaign against the same user from elsewhere.
   */
  succeeded(admission: Admission): void {
    for (const { kind, key, before } of admission.keys) {
      if (kind !== 'user' || before === undefined) this.state.delete(key);
      else this.write(key, before);
    }
  }

  /**
   * The admitted attempt was never checked (the hashing queue was full, the database away): its
   * failure is taken back from every key, so refusals that hashed nothing neither count against
   * the real user nor fill the table. A count, not a snapshot: other attempts may have counted
   * meanwhile. A wait already imposed stays.
   */
  abandoned(admission: Admission): void {
    for (const { key } of admission.keys) {
      const current = this.state.get(key);
      if (!current) continue;
      if (current.failures <= 1 && current.blockedUntil <= this.clock.now()) this.state.delete(key);
      else current.failures = Math.max(0, current.failures - 1);
    }
  }

  private read(key: string, now: number): KeyState | undefined {
    const found = this.state.get(key);
    if (found && now - found.lastFailureAt > THROTTLE_FORGET_MS) {
      this.state.delete(key);
      return undefined;
    }
    return found;
  }

  private write(key: string, value: KeyState): void {
    // Map order is insertion order: re-inserting keeps the most recently failed keys last.
    this.state.delete(key);
    this.state.set(key, value);
    if (this.state.size > this.maxKeys) this.evictOne(key);
  }

  /**
   * Bounded memory. The oldest key that is not waiting goes first: a flood of fresh keys (many
   * addresses, made-up usernames) cannot push out a key that is being throttled and so lift its
   * wait. Only when every key waits does the oldest waiting one go.
   */
  private evictOne(justWritten: string): void {
    const now = this.clock.now();
    let oldestWaiting: string | undefined;
    for (const [key, state] of this.state) {
      if (key === justWritten) continue;
      if (state.blockedUntil <= now) {
        this.state.delete(key);
        return;
      }
      oldestWaiting ??= key;
    }
    if (oldestWaiting !== undefined) this.state.delete(oldestWaiting);
  }

  /** Keys remembered now (for tests and metrics). */
  get size(): number {
    return this.state.size;
  }
}
