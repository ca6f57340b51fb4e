import { describe, expect, it } from 'vitest';
import { DomainError } from './errors.js';
import { parsePageRequest, toPage } from './pagination.js';

const VPC_ID = /^vpc-[0-9a-z]{12}$/;

describe('page requests', () => {
  it('defaults and clamps maxKeys to [1, 1000]', () => {
    expect(parsePageRequest(undefined, undefined, VPC_ID)).toEqual({ maxKeys: 1000 });
    expect(parsePageRequest(undefined, '0', VPC_ID).maxKeys).toBe(1000);
    expect(parsePageRequest(undefined, '5000', VPC_ID).maxKeys).toBe(1000);
    expect(parsePageRequest(undefined, '7', VPC_ID).maxKeys).toBe(7);
  });

  it('refuses non-integer or negative maxKeys and foreign markers', () => {
    expect(() => parsePageRequest(undefined, 'ten', VPC_ID)).toThrow(DomainError);
    expect(() => parsePageRequest(undefined, '-1', VPC_ID)).toThrow(DomainError);
    expect(() => parsePageRequest('rt-000000000000', '1', VPC_ID)).toThrow(/marker/);
  });
});

describe('pages', () => {
  const ids = ['a', 'b', 'c'];
  it('marks truncation with the id of the next item', () => {
    expect(toPage(ids, { maxKeys: 2 }, (x) => x)).toEqual({
      items: ['a', 'b'],
      marker: 'a',
      isTruncated: true,
      nextMarker: 'c',
      maxKeys: 2,
    });
  });

  it('omits marker on an empty page and nextMarker on the last page', () => {
    expect(toPage([], { maxKeys: 2 }, (x: string) => x)).toEqual({
      items: [],
      isTruncated: false,
      maxKeys: 2,
    });
    expect(toPage(['c'], { marker: 'c', maxKeys: 2 }, (x) => x)).toEqual({
      items: ['c'],
      marker: 'c',
      isTruncated: false,
      maxKeys: 2,
    });
  });
});
