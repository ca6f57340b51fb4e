import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { clientConfig } from './client-options.js';
import { readProfiles, writeProfile } from './profile.js';

function configFile(): string {
  return path.join(mkdtempSync(path.join(tmpdir(), 'peerlink-cli-')), 'config.toml');
}

describe('bearer tokens in the CLI configuration', () => {
  it('come from a profile that holds a token instead of AK/SK', () => {
    const file = configFile();
    writeProfile(file, 'default', { endpoint: 'http://default:1', token: 'plk_profile' });
    expect(clientConfig({}, { PEERLINK_CONFIG_FILE: file })).toEqual({
      endpoint: 'http://default:1',
      token: 'plk_profile',
    });
  });

  it('come from --token and PEERLINK_TOKEN, in the same order as AK/SK', () => {
    const file = configFile();
    writeProfile(file, 'default', { endpoint: 'http://default:1', ak: 'profile-ak', sk: 'profile-sk' });
    const env = { PEERLINK_CONFIG_FILE: file, PEERLINK_TOKEN: 'plk_env' };
    expect(clientConfig({}, env)).toEqual({ endpoint: 'http://default:1', token: 'plk_env' });
    expect(clientConfig({ token: 'plk_flag' }, env).token).toBe('plk_flag');
    // Flags give one set of credentials: a flag token hides environment and profile AK/SK.
    expect(clientConfig({ token: 'plk_flag' }, env).credentials).toBeUndefined();
    expect(clientConfig({ profile: 'default' }, env).credentials).toEqual({
      ak: 'profile-ak',
      sk: 'profile-sk',
    });
  });

  it('are never mixed with AK/SK from the same place', () => {
    const file = configFile();
    writeProfile(file, 'both', { ak: 'ak', sk: 'sk', token: 'plk_both' });
    expect(() => clientConfig({ profile: 'both' }, { PEERLINK_CONFIG_FILE: file })).toThrow(
      /both a token and an AK\/SK pair.*profile "both"/,
    );
    expect(() => clientConfig({ ak: 'a', sk: 'b', token: 'plk_x' }, { PEERLINK_CONFIG_FILE: file })).toThrow(
      /\(flags\)/,
    );
  });

  it('replace AK/SK in a profile when written with them removed', () => {
    const file = configFile();
    writeProfile(file, 'default', { endpoint: 'http://e:1', ak: 'ak', sk: 'sk' });
    writeProfile(file, 'default', { token: 'plk_new', ak: undefined, sk: undefined });
    expect(readProfiles(file).default).toEqual({ endpoint: 'http://e:1', token: 'plk_new' });
    expect(readFileSync(file, 'utf8')).not.toMatch(/\bak\b/);
  });
});
