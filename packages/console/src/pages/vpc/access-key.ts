import {
  type ClientConfig,
  type Credentials,
  DataplaneClient,
  PeerConnClient,
  PeerlinkClient,
  RouteClient,
  VpcClient,
} from '@peerlink/sdk';
import { useSyncExternalStore } from 'react';
import { onSessionLost } from '../../api';

/**
 * The account access key (AK/SK) the VPC peering screens sign with. A console user owns no VPCs:
 * the BCE API (`/v1`) answers accounts only, so the screens ask for an account's key and sign each
 * request in the page (the SDK's WebCrypto signer); the secret is never sent to the server.
 *
 * The key lives in this tab's sessionStorage only: it survives a reload, is gone when the tab
 * closes, and is forgotten when the user logs out (session.tsx), when the session ends (any 401),
 * or when another user logs in to this tab.
 */

const STORAGE_KEY = 'peerlink.console.vpcAccessKey';
const CHANGE = 'peerlink:vpc-access-key';

export interface StoredAccessKey extends Credentials {
  /** The account behind the key and the region this listener serves (`GET /api/v1/whoami`). */
  accountId: string;
  region: string;
  isAdmin: boolean;
  /** The console user who entered it. */
  userId: string;
}

/** The signed clients of one access key, to this page's own origin. */
export interface VpcClients {
  vpc: VpcClient;
  route: RouteClient;
  peerConn: PeerConnClient;
  peerlink: PeerlinkClient;
  /** Dataplane endpoints and what is programmed (GET /api/v1/dataplane/status). */
  dataplane: DataplaneClient;
}

function configFor(credentials: Credentials): ClientConfig {
  return { endpoint: window.location.origin, credentials: { ak: credentials.ak, sk: credentials.sk } };
}

export function clientsFor(credentials: Credentials): VpcClients {
  const config = configFor(credentials);
  return {
    vpc: new VpcClient(config),
    route: new RouteClient(config),
    peerConn: new PeerConnClient(config),
    peerlink: new PeerlinkClient(config),
    dataplane: new DataplaneClient(config),
  };
}

/**
 * Signing needs WebCrypto's `crypto.subtle`, which browsers offer in secure contexts only: pages
 * served over HTTPS, or from localhost / 127.0.0.1.
 */
export function canSign(): boolean {
  return window.isSecureContext && typeof globalThis.crypto?.subtle?.importKey === 'function';
}

let cachedText: string | null | undefined;
let cachedKey: StoredAccessKey | undefined;

function read(): StoredAccessKey | undefined {
  let text: string | null = null;
  try {
    text = sessionStorage.getItem(STORAGE_KEY);
  } catch {
    // Storage disabled: no key can be kept.
  }
  if (text === cachedText) return cachedKey;
  cachedText = text;
  cachedKey = undefined;
  if (text) {
    try {
      const value = JSON.parse(text) as Partial<StoredAccessKey>;
      if (
        typeof value.ak === 'string' &&
        typeof value.sk === 'string' &&
        typeof value.accountId === 'string' &&
        typeof value.region === 'string' &&
        typeof value.userId === 'string'
      )
        cachedKey = { ...(value as StoredAccessKey), isAdmin: value.isAdmin === true };
    } catch {
      // Not ours, or damaged: ignored (and replaced on the next save).
    }
  }
  return cachedKey;
}

function changed(): void {
  window.dispatchEvent(new Event(CHANGE));
}

/** Keeps a verified key for this tab. */
export function saveAccessKey(key: StoredAccessKey): void {
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(key));
  changed();
}

/** Forgets the key (the "Forget access key" button, logout, an ended session). */
export function forgetAccessKey(): void {
  try {
    sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // Nothing could have been kept.
  }
  changed();
}

/** Forgets a key another console user entered in this tab: it is not theirs to use. */
export function forgetOthersKey(userId: string): void {
  const key = read();
  if (key && key.userId !== userId) forgetAccessKey();
}

// A session that ends (expired, or ended elsewhere) takes the key with it.
onSessionLost(forgetAccessKey);

function subscribe(onChange: () => void): () => void {
  window.addEventListener(CHANGE, onChange);
  return () => window.removeEventListener(CHANGE, onChange);
}

/** The key kept for this user in this tab, if any; re-renders when it is saved or forgotten. */
export function useAccessKey(userId: string): StoredAccessKey | undefined {
  const key = useSyncExternalStore(subscribe, read);
  return key && key.userId === userId ? key : undefined;
}
