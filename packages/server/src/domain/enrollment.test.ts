import { describe, expect, it } from 'vitest';
import { refused } from '../testing/domain-errors.js';
import { checkPlatformTitle, PLATFORM_TITLE_MAX } from './enrollment.js';

describe('checkPlatformTitle', () => {
  it('trims and keeps a readable title, Chinese included', () => {
    expect(checkPlatformTitle('  Data Platform 数据平台 ')).toBe('Data Platform 数据平台');
    expect(checkPlatformTitle('x'.repeat(PLATFORM_TITLE_MAX))).toHaveLength(PLATFORM_TITLE_MAX);
  });

  it('refuses empty, over-long and control-character titles', () => {
    for (const bad of ['', '   ', 'x'.repeat(PLATFORM_TITLE_MAX + 1), 'a\nb', 'tab\there']) {
      expect(() => checkPlatformTitle(bad), JSON.stringify(bad)).toThrow(
        refused('BadRequest', 'InvalidPlatformTitle'),
      );
    }
  });
});
