/**
 * How deep JSON from outside may nest. Parsed bodies are later walked by recursive code (TypeBox
 * checks, JSON.stringify, canonical JSON for idempotency and signatures), which overflows the stack
 * on a few thousand levels; no body Peerlink takes nests more than about ten.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether JSON text opens more than `limit` objects or arrays inside each other. A loop over the
 * characters, not a recursive descent, so that it cannot overflow itself; brackets inside strings
 * do not count. Text that is not JSON may be miscounted, but JSON.parse refuses it anyway.
 */
export function nestsDeeperThan(text: string, limit: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth++;
      if (depth > limit) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return false;
}
