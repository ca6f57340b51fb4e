import { randomBytes, randomInt } from 'node:crypto';
import { ENTROPY_SPACE, formatId } from '../domain/ids.js';

/**
 * Issues resource ids in wall-clock order. Within one millisecond the entropy part counts up from a
 * random start, so one process never repeats an id; replicas are kept apart by the random start and,
 * failing that, by the primary key.
 */
export class IdGenerator {
  private lastMs = 0;
  private counter = 0;

  constructor(private readonly wallClock: () => number = Date.now) {}

  next(prefix: string): string {
    const ms = Math.max(this.wallClock(), this.lastMs);
    if (ms === this.lastMs) {
      this.counter += 1;
    } else {
      this.lastMs = ms;
      this.counter = randomInt(ENTROPY_SPACE / 2);
    }
    if (this.counter >= ENTROPY_SPACE) {
      this.lastMs += 1;
      this.counter = 0;
    }
    return formatId(prefix, this.lastMs, this.counter);
  }
}

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** A unique-local IPv6 /56 (RFC 4193: fd00::/8 and a random 40-bit global id). */
export function randomIpv6Cidr(): string {
  const b = randomBytes(6);
  const hex = (i: number) => b.readUInt16BE(i).toString(16).padStart(4, '0');
  return `fd${b[0]!.toString(16).padStart(2, '0')}:${hex(1)}:${hex(3)}:${b[5]!.toString(16).padStart(2, '0')}00::/56`;
}
