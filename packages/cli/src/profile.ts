import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'smol-toml';

/** What a profile holds: where to send requests and with which credentials (AK/SK or a user's token). */
export interface Profile {
  endpoint?: string;
  region?: string;
  ak?: string;
  sk?: string;
  /** A user's bearer token (`peerlink login`), instead of AK/SK. */
  token?: string;
}

const PROFILE_KEYS: (keyof Profile)[] = ['endpoint', 'region', 'ak', 'sk', 'token'];

/** `$PEERLINK_CONFIG_FILE`, else `$XDG_CONFIG_HOME/peerlink/config.toml`, else `~/.config/peerlink/config.toml`. */
export function configFilePath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PEERLINK_CONFIG_FILE) return env.PEERLINK_CONFIG_FILE;
  const base = env.XDG_CONFIG_HOME || path.join(homedir(), '.config');
  return path.join(base, 'peerlink', 'config.toml');
}

/** Every profile in the file, by name (`[default]`, `[staging]`, …); none when there is no file. */
export function readProfiles(file: string): Record<string, Profile> {
  if (!existsSync(file)) return {};
  let document: Record<string, unknown>;
  try {
    document = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read ${file}: ${(error as Error).message}`);
  }
  const profiles: Record<string, Profile> = {};
  for (const [name, table] of Object.entries(document)) {
    if (typeof table !== 'object' || table === null) continue;
    const profile: Profile = {};
    for (const key of PROFILE_KEYS) {
      const value = (table as Record<string, unknown>)[key];
      if (typeof value === 'string') profile[key] = value;
    }
    profiles[name] = profile;
  }
  return profiles;
}

/**
 * Writes one profile, keeping the others; the file is private (0600): it holds a secret key. A
 * field given as undefined is removed from the profile.
 */
export function writeProfile(file: string, name: string, profile: Profile): void {
  const profiles = readProfiles(file);
  const merged: Record<string, string | undefined> = { ...profiles[name], ...profile };
  profiles[name] = Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined));
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, stringify(profiles), { mode: 0o600 });
  chmodSync(file, 0o600);
}
