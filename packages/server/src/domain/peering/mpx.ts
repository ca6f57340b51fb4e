import { badRequest, operationDenied } from '../errors.js';

/**
 * Who may open network requests on an MPX connection (reference §1.3): bidirectional — both sides;
 * egress — only my side (it has no stable address); ingress — only the remote side.
 */
export type MpxDirection = 'bidirectional' | 'egress' | 'ingress';
export const MPX_DIRECTIONS: readonly MpxDirection[] = ['bidirectional', 'egress', 'ingress'];

export function checkMpxDirection(text: string): MpxDirection {
  const normalized = text
    .toLowerCase()
    .replace(/[\s_-]*only$/, '')
    .replace(/[\s_-]/g, '');
  if ((MPX_DIRECTIONS as readonly string[]).includes(normalized)) return normalized as MpxDirection;
  throw badRequest(
    'InvalidMpxDirection',
    'the direction must be bidirectional, egress (only) or ingress (only)',
  );
}

/** R5: bidirectional pairs with bidirectional, egress only with ingress only; nothing else. */
export function checkMpxPairing(local: MpxDirection, remote: MpxDirection): void {
  const valid =
    (local === 'bidirectional' && remote === 'bidirectional') ||
    (local === 'egress' && remote === 'ingress') ||
    (local === 'ingress' && remote === 'egress');
  if (!valid) {
    throw operationDenied(
      'MpxDirectionMismatch',
      `an MPX invite of direction ${local} on this side cannot pair with ${remote} on the other side: use bidirectional on both sides, or egress only on one and ingress only on the other`,
    );
  }
}

/** This side opens requests to the remote. */
export function mayInitiate(local: MpxDirection): boolean {
  return local !== 'ingress';
}

/** This side answers requests the remote opens. */
export function mayAccept(local: MpxDirection): boolean {
  return local !== 'egress';
}
