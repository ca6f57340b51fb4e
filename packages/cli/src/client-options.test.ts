import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { clientConfig } from './client-options.js';
import { writeProfile } from './profile.js';

function envWithProfiles(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'peerlink-cli-')), 'config.toml');
  writeProfile(file, 'default', { endpoint: 'http://default:1', ak: 'default-ak', sk: 'default-sk' });
  writeProfile(file, 'bob', { endpoint: 'http://bob:2', ak: 'bob-ak', sk: 'bob-sk' });
  return { PEERLINK_CONFIG_FILE: file, ...extra };
}

describe('clientConfig', () => {
  it('takes the default profile when nothing else is given', () => {
    expect(clientConfig({}, envWithProfiles())).toEqual({
      endpoint: 'http://default:1',
      credentials: { ak: 'default-ak', sk: 'default-sk' },
    });
  });

  it('prefers environment credentials over the default profile', () => {
    const env = envWithProfiles({
      PEERLINK_AK: 'env-ak',
      PEERLINK_SK: 'env-sk',
      PEERLINK_ENDPOINT: 'http://env:3',
    });
    expect(clientConfig({}, env)).toEqual({
      endpoint: 'http://env:3',
      credentials: { ak: 'env-ak', sk: 'env-sk' },
    });
  });

  it('lets an explicit --profile win over environment credentials, as the AWS CLI does', () => {
    const env = envWithProfiles({ PEERLINK_AK: 'env-ak', PEERLINK_SK: 'env-sk' });
    expect(clientConfig({ profile: 'bob' }, env).credentials).toEqual({ ak: 'bob-ak', sk: 'bob-sk' });
  });

  it('never pairs a key id from one place with a secret from another', () => {
    const env = envWithProfiles({ PEERLINK_AK: 'env-ak' });
    expect(() => clientConfig({}, env)).toThrow(/no credentials/);
    expect(clientConfig({ ak: 'flag-ak', sk: 'flag-sk' }, env).credentials).toEqual({
      ak: 'flag-ak',
      sk: 'flag-sk',
    });
  });

  it('names the missing profile and how to create it', () => {
    expect(() => clientConfig({ profile: 'nobody' }, envWithProfiles())).toThrow(
      /peerlink configure --profile nobody/,
    );
  });
});
