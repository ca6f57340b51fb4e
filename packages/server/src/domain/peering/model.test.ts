import { describe, expect, it } from 'vitest';
import type { DomainError } from '../errors.js';
import {
  checkDataTypes,
  checkSecurity,
  directionsOf,
  mirror,
  type PeerConnection,
  statusOf,
} from './model.js';
import { checkMpxDirection, checkMpxPairing, type MpxDirection, mayAccept, mayInitiate } from './mpx.js';

const reasonOf = (fn: () => unknown) => {
  try {
    fn();
    return 'ok';
  } catch (error) {
    return (error as DomainError).reason;
  }
};

describe('MPX directions (R5)', () => {
  const all: MpxDirection[] = ['bidirectional', 'egress', 'ingress'];
  const valid = new Set(['bidirectional/bidirectional', 'egress/ingress', 'ingress/egress']);

  it.each(all.flatMap((local) => all.map((remote) => [local, remote] as const)))(
    '%s with %s',
    (local, remote) => {
      expect(reasonOf(() => checkMpxPairing(local, remote))).toBe(
        valid.has(`${local}/${remote}`) ? 'ok' : 'MpxDirectionMismatch',
      );
    },
  );

  it('reads the document’s names and says who opens requests', () => {
    expect(checkMpxDirection('Egress only')).toBe('egress');
    expect(checkMpxDirection('INGRESS_ONLY')).toBe('ingress');
    expect(checkMpxDirection('Bidirectional')).toBe('bidirectional');
    expect(reasonOf(() => checkMpxDirection('sideways'))).toBe('InvalidMpxDirection');
    expect([mayInitiate('egress'), mayAccept('egress')]).toEqual([true, false]);
    expect([mayInitiate('ingress'), mayAccept('ingress')]).toEqual([false, true]);
  });
});

describe('peer connection model', () => {
  it('mirrors directions for the other side', () => {
    expect(mirror({ objects: 'export', files: 'both' })).toEqual({ objects: 'import', files: 'both' });
    expect(mirror(mirror({ objects: 'import' }))).toEqual({ objects: 'import' });
    expect(directionsOf({ objects: 'export', files: 'export' })).toEqual(['export']);
  });

  it('checks data types and security', () => {
    expect(reasonOf(() => checkDataTypes({}))).toBe('InvalidDataTypes');
    expect(reasonOf(() => checkDataTypes({ artifacts: 'export' }))).toBe('InvalidDataTypes');
    expect(reasonOf(() => checkDataTypes({ objects: 'sideways' }))).toBe('InvalidDataTypes');
    expect(checkSecurity({ classification: 'secret', markings: ['b', 'a', 'b'] })).toEqual({
      classification: 'SECRET',
      markings: ['a', 'b'],
    });
    expect(reasonOf(() => checkSecurity({ classification: 'COSMIC' }))).toBe('InvalidSecurity');
    expect(reasonOf(() => checkSecurity({ markings: ['bad\nmarking'] }))).toBe('InvalidSecurity');
  });

  it('shows disabled when either side disabled an active connection (R18)', () => {
    const base = { state: 'active', localDisabled: false, remoteDisabled: false } as PeerConnection;
    expect(statusOf(base)).toBe('active');
    expect(statusOf({ ...base, remoteDisabled: true })).toBe('disabled');
    expect(statusOf({ ...base, localDisabled: true })).toBe('disabled');
    expect(statusOf({ ...base, state: 'deleted', localDisabled: true })).toBe('deleted');
  });
});
