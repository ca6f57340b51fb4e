import { describe, expect, it } from 'vitest';
import { DomainError } from './errors.js';
import { checkDescription, checkName, checkTags, DESCRIPTION_MAX } from './names.js';

const badRequest = (reason: string) => expect.objectContaining({ kind: 'BadRequest', reason });

describe('names', () => {
  it('accepts a letter followed by letters, digits and "-_/." and returns it unchanged', () => {
    for (const name of ['a', 'vpc-1', 'Prod_net/2.x', 'Z9']) {
      expect(checkName('name', name), name).toBe(name);
    }
  });

  it('accepts Chinese letters, including as the first character', () => {
    expect(checkName('name', '生产网络')).toBe('生产网络');
    expect(checkName('name', '测试-vpc_1')).toBe('测试-vpc_1');
  });

  it('refuses a name that does not start with a letter', () => {
    for (const name of ['1vpc', '-vpc', '_vpc', '/vpc', '.vpc']) {
      expect(() => checkName('name', name), name).toThrow(badRequest('InvalidName'));
    }
  });

  it('refuses the empty name and characters outside the allowed set', () => {
    for (const name of ['', 'my vpc', 'vpc!', 'vpc@home', 'a:b', 'vpc\n']) {
      expect(() => checkName('name', name), JSON.stringify(name)).toThrow(badRequest('InvalidName'));
    }
  });

  it('allows 65 characters and refuses 66', () => {
    expect(checkName('name', 'a'.repeat(65))).toHaveLength(65);
    expect(checkName('name', '网'.repeat(65))).toHaveLength(65);
    expect(() => checkName('name', 'a'.repeat(66))).toThrow(badRequest('InvalidName'));
    expect(() => checkName('name', '网'.repeat(66))).toThrow(badRequest('InvalidName'));
  });

  it('names the offending field in the message', () => {
    expect(() => checkName('peerIfName', '1x')).toThrow(/peerIfName/);
    expect(() => checkName('peerIfName', '1x')).toThrow(DomainError);
  });
});

describe('descriptions', () => {
  it('defaults a missing description to the empty string', () => {
    expect(checkDescription(undefined)).toBe('');
    expect(checkDescription('')).toBe('');
  });

  it(`allows ${DESCRIPTION_MAX} characters and refuses one more`, () => {
    expect(DESCRIPTION_MAX).toBe(200);
    const longest = 'd'.repeat(200);
    expect(checkDescription(longest)).toBe(longest);
    expect(() => checkDescription('d'.repeat(201))).toThrow(badRequest('InvalidDescription'));
  });

  it('counts characters, not UTF-16 code units', () => {
    const emoji = '😀'.repeat(200);
    expect(emoji.length).toBe(400);
    expect(checkDescription(emoji)).toBe(emoji);
    expect(() => checkDescription('😀'.repeat(201))).toThrow(badRequest('InvalidDescription'));
  });

  it('accepts free text such as spaces and punctuation', () => {
    expect(checkDescription('peering to the office, v2!')).toBe('peering to the office, v2!');
  });
});

describe('tags', () => {
  it('defaults missing tags to an empty list', () => {
    expect(checkTags(undefined)).toEqual([]);
    expect(checkTags([])).toEqual([]);
  });

  it('keeps valid tags in order, Chinese and "-_/." included', () => {
    const tags = [
      { tagKey: 'env', tagValue: 'prod' },
      { tagKey: '部门', tagValue: '网络组' },
      { tagKey: 'a-b_c/d.e', tagValue: '1.2/3_4-5' },
    ];
    expect(checkTags(tags)).toEqual(tags);
  });

  it('allows an empty value and fills a missing one with the empty string', () => {
    expect(checkTags([{ tagKey: 'flag', tagValue: '' }])).toEqual([{ tagKey: 'flag', tagValue: '' }]);
    const loose = [{ tagKey: 'flag' }] as unknown as { tagKey: string; tagValue: string }[];
    expect(checkTags(loose)).toEqual([{ tagKey: 'flag', tagValue: '' }]);
  });

  it('allows keys and values of 65 characters and refuses 66', () => {
    const k65 = 'k'.repeat(65);
    const v65 = 'v'.repeat(65);
    expect(checkTags([{ tagKey: k65, tagValue: v65 }])).toEqual([{ tagKey: k65, tagValue: v65 }]);
    expect(() => checkTags([{ tagKey: 'k'.repeat(66), tagValue: 'v' }])).toThrow(badRequest('InvalidTag'));
    expect(() => checkTags([{ tagKey: 'k', tagValue: 'v'.repeat(66) }])).toThrow(badRequest('InvalidTag'));
  });

  it('refuses an empty key', () => {
    expect(() => checkTags([{ tagKey: '', tagValue: 'v' }])).toThrow(badRequest('InvalidTag'));
  });

  it('refuses keys and values with characters outside the allowed set', () => {
    expect(() => checkTags([{ tagKey: 'my key', tagValue: 'v' }])).toThrow(badRequest('InvalidTag'));
    expect(() => checkTags([{ tagKey: 'key', tagValue: 'a=b' }])).toThrow(badRequest('InvalidTag'));
    expect(() => checkTags([{ tagKey: 'key', tagValue: 'a b' }])).toThrow(/tag value of "key"/);
  });

  it('refuses a key that appears twice', () => {
    const tags = [
      { tagKey: 'env', tagValue: 'prod' },
      { tagKey: 'env', tagValue: 'test' },
    ];
    expect(() => checkTags(tags)).toThrow(badRequest('InvalidTag'));
    expect(() => checkTags(tags)).toThrow(/appears twice/);
  });
});
