import { PeerlinkApiError } from '@peerlink/sdk';
import { describe, expect, it } from 'vitest';
import { EXIT_API_ERROR, reportError } from './errors.js';

describe('reportError', () => {
  it('tells how long to wait after a throttled login (429 with Retry-After)', () => {
    const lines: string[] = [];
    const error = new PeerlinkApiError(
      'TooManyRequests',
      'too many failed password attempts; try again in 8 s',
      429,
      'req-1',
      'LoginThrottled',
      8,
    );
    expect(reportError(error, (line) => lines.push(line))).toBe(EXIT_API_ERROR);
    expect(lines[0]).toBe(
      'peerlink: TooManyRequests (LoginThrottled): too many failed password attempts; try again in 8 s',
    );
    expect(lines).toContain('  retry after 8 s (the server refuses earlier attempts without checking them)');
    expect(lines.some((line) => line.startsWith('  hint: too many failed logins'))).toBe(true);
  });

  it('prints no wait when the server asked for none', () => {
    const lines: string[] = [];
    reportError(new PeerlinkApiError('Unauthorized', 'wrong', 401, 'req-2', 'InvalidLogin'), (l) =>
      lines.push(l),
    );
    expect(lines.some((line) => line.includes('retry after'))).toBe(false);
  });
});
