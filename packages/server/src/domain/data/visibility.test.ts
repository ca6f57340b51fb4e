import { describe, expect, it } from 'vitest';
import {
  canRead,
  canSeeMarking,
  heldMarkings,
  keepHiddenMarkings,
  type MarkingViewer,
  maskMarkings,
  requireHeldMarkings,
} from './visibility.js';

const viewer = (held: string[], isAdmin = false): MarkingViewer => ({ held: new Set(held), isAdmin });

describe('heldMarkings', () => {
  it('names the markings whose members include the principal, and no other', () => {
    const markings = [
      { name: 'Operational', members: ['usr-a', 'usr-b'] },
      { name: 'Exercise', members: ['usr-b'] },
      { name: 'Auto', members: [] },
    ];
    expect([...heldMarkings(markings, 'usr-a')]).toEqual(['Operational']);
    expect([...heldMarkings(markings, 'usr-b')].sort()).toEqual(['Exercise', 'Operational']);
    expect([...heldMarkings(markings, 'usr-c')]).toEqual([]);
  });
});

describe('canRead', () => {
  it('lets anyone read unmarked data', () => {
    expect(canRead([], viewer([]))).toBe(true);
  });

  it('needs every marking on the item, not one of them', () => {
    expect(canRead(['A', 'B'], viewer(['A', 'B', 'C']))).toBe(true);
    expect(canRead(['A', 'B'], viewer(['A']))).toBe(false);
    expect(canRead(['A'], viewer([]))).toBe(false);
  });

  it('gives administrators no way around membership', () => {
    expect(canRead(['A'], viewer([], true))).toBe(false);
    expect(canRead(['A'], viewer(['A'], true))).toBe(true);
  });
});

describe('canSeeMarking and maskMarkings', () => {
  it('show a name to its members and to administrators', () => {
    expect(canSeeMarking('A', viewer(['A']))).toBe(true);
    expect(canSeeMarking('A', viewer([]))).toBe(false);
    expect(canSeeMarking('A', viewer([], true))).toBe(true);
  });

  it('replace each hidden name by null, after the visible ones', () => {
    expect(maskMarkings(['Alpha', 'Bravo', 'Charlie'], viewer(['Charlie']))).toEqual(['Charlie', null, null]);
    expect(maskMarkings(['Alpha', 'Bravo'], viewer([], true))).toEqual(['Alpha', 'Bravo']);
    expect(maskMarkings([], viewer([]))).toEqual([]);
  });
});

describe('keepHiddenMarkings', () => {
  it('keeps the markings in force the viewer may not see, whatever it names', () => {
    expect(keepHiddenMarkings(['Mine'], ['Hidden', 'Mine', 'Old'], viewer(['Mine', 'Old']))).toEqual([
      'Hidden',
      'Mine',
    ]);
    expect(keepHiddenMarkings([], ['Hidden'], viewer([]))).toEqual(['Hidden']);
  });

  it('lets an administrator, who sees every name, change them all', () => {
    expect(keepHiddenMarkings(['New'], ['Hidden'], viewer([], true))).toEqual(['New']);
  });
});

describe('requireHeldMarkings', () => {
  const viewer = { held: new Set(['Ops']), isAdmin: true, existing: new Set(['Ops', 'Crypto']) };
  it('lets a connection newly allow only the markings here that the caller holds', () => {
    expect(() => requireHeldMarkings(['Ops'], [], viewer)).not.toThrow();
    expect(() => requireHeldMarkings(['Ops', 'Crypto'], [], viewer)).toThrow(/Crypto/);
  });
  it('keeps what is in force, and allows markings unknown here (they label nothing here)', () => {
    expect(() => requireHeldMarkings(['Crypto', 'Ops'], ['Crypto'], viewer)).not.toThrow();
    expect(() => requireHeldMarkings(['Elsewhere'], [], viewer)).not.toThrow();
  });
});
