import { badRequest } from '../errors.js';
/**
 * Markings as mandatory access control (reference §2.3, R24, R25).
 *
 * A marking is held by principals: a user (`usr-…`, signed in or by bearer token) or an account
 * (an AK/SK signature acts as the account itself), exactly as space managers are named. Nothing
 * is inherited between the two: a user holds what it was granted, an account key what its account
 * was granted.
 *
 * Data (an object, a file, a conflict that shows their values) is readable only by a principal
 * that holds **every** marking on it. Administrators manage markings (create them, set their
 * members, see every marking's name and members) but reading marked data needs membership like
 * anyone else: an administrator who must read it grants the marking to itself, which the audit
 * log records. The reference gives administrators the governance of "who may see markings"
 * (§1.2), not a view through them.
 *
 * A marking's name is visible to its members and to administrators; anyone else sees it as
 * `null` (shown "Unknown") wherever a connection or a change request names it, and still sees the
 * connection (R25).
 */

/** What a reader holds: the names of the markings it is a member of, and whether an administrator. */
export interface MarkingViewer {
  held: ReadonlySet<string>;
  isAdmin: boolean;
}

/** A marking name as a viewer may see it: the name, or null when the viewer may not see it. */
export type VisibleMarking = string | null;

/** The names of the markings whose members include `principalId`. */
export function heldMarkings(
  markings: readonly { name: string; members: readonly string[] }[],
  principalId: string,
): Set<string> {
  return new Set(markings.filter((m) => m.members.includes(principalId)).map((m) => m.name));
}

/** May `viewer` read data labelled with `markings`: only when it holds every one of them. */
export function canRead(markings: readonly string[], viewer: MarkingViewer): boolean {
  return markings.every((marking) => viewer.held.has(marking));
}

/** May `viewer` see the name of `marking`: its members, and administrators who manage it. */
export function canSeeMarking(marking: string, viewer: MarkingViewer): boolean {
  return viewer.isAdmin || viewer.held.has(marking);
}

/**
 * Marking names as `viewer` may see them: each it may not see becomes `null`. The nulls go last,
 * so that where a hidden name sorted among the visible ones says nothing about it; how many there
 * are is what R25 shows (the "Unknown" badge).
 */
export function maskMarkings(markings: readonly string[], viewer: MarkingViewer): VisibleMarking[] {
  const visible = markings.filter((m) => canSeeMarking(m, viewer));
  return [...visible, ...Array<null>(markings.length - visible.length).fill(null)];
}

/**
 * The markings a security change by `viewer` asks for: those it names, plus those in force that it
 * may not see. A viewer cannot name what it does not see, so it can neither remove a hidden
 * marking by leaving it out nor learn whether one it named by guess was there.
 */
export function keepHiddenMarkings(
  proposed: readonly string[],
  current: readonly string[],
  viewer: MarkingViewer,
): string[] {
  const hidden = current.filter((m) => !canSeeMarking(m, viewer));
  return [...new Set([...proposed, ...hidden])].sort();
}

/**
 * A connection's security may newly allow a marking that exists here only by a caller that holds
 * it: allowing it exports this side's data so labelled, which would otherwise let someone who may
 * not read that data send it where it can be read. A marking unknown here labels nothing here, so
 * allowing it exports nothing (the other side's data may carry it); markings already in force
 * (`current`) stay as they are. Administrators too: they manage markings, they do not read (or
 * export) through them by office.
 */
export function requireHeldMarkings(
  allowed: readonly string[],
  current: readonly string[],
  viewer: MarkingViewer & { existing: ReadonlySet<string> },
): void {
  const notHeld = allowed.filter(
    (m) => !current.includes(m) && viewer.existing.has(m) && !viewer.held.has(m),
  );
  if (notHeld.length > 0)
    throw badRequest(
      'UnknownMarking',
      `marking ${notHeld[0]} does not exist or you do not hold it: a connection's security may allow only markings you hold`,
    );
}
