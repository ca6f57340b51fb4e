/**
 * Resource ids are `prefix-` plus 12 lowercase base-36 characters: 8 of milliseconds since the epoch
 * (fixed width, so ids sort in creation order until 2059) and 4 of entropy. Sorting by id is then a
 * stable creation order, and an id stays a valid keyset marker after its resource is gone.
 */
export const ID_BODY_LENGTH = 12;
const TIME_CHARS = 8;
const ENTROPY_CHARS = ID_BODY_LENGTH - TIME_CHARS;
export const ENTROPY_SPACE = 36 ** ENTROPY_CHARS;

export function formatId(prefix: string, timeMs: number, entropy: number): string {
  const time = Math.max(0, Math.floor(timeMs)).toString(36).padStart(TIME_CHARS, '0').slice(-TIME_CHARS);
  const tail = (entropy % ENTROPY_SPACE).toString(36).padStart(ENTROPY_CHARS, '0');
  return `${prefix}-${time}${tail}`;
}

export function idPattern(prefix: string): RegExp {
  return new RegExp(`^${prefix}-[0-9a-z]{${ID_BODY_LENGTH}}$`);
}
