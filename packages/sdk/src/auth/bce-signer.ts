/**
 * bce-auth-v1 request signing with WebCrypto, so it runs unchanged in Node.js 20+ and browsers.
 * See Baidu's "生成认证字符串" and the Peerlink reference §5.3.
 */
export interface Credentials {
  /** Access key id (AK). */
  ak: string;
  /** Secret access key (SK). */
  sk: string;
}

export interface SignInput {
  method: string;
  url: URL;
  /** Request headers by lowercase name; `host` is taken from the URL when absent. */
  headers: Record<string, string>;
  credentials: Credentials;
  /** Signing time; now by default. */
  timestamp?: Date;
  /** Validity of the signature; 1800 s (every Baidu SDK's default) unless given. */
  expirationSeconds?: number;
  /** Lowercase names of the headers to sign; all given headers by default. */
  headersToSign?: string[];
}

const encoder = new TextEncoder();

/** RFC 3986 encoding of every UTF-8 byte outside `A-Z a-z 0-9 - _ . ~`, uppercase hex. */
export function uriEncode(text: string, keepSlash = false): string {
  let out = '';
  for (const byte of encoder.encode(text)) {
    const char = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(char) || (keepSlash && char === '/')) out += char;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** `2024-01-02T03:04:05Z` */
export function bceTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function canonicalQuery(search: string): string {
  return search
    .replace(/^\?/, '')
    .split('&')
    .filter((item) => item !== '')
    .map((item) => {
      const eq = item.indexOf('=');
      const key = decodeURIComponent(eq === -1 ? item : item.slice(0, eq));
      const value = eq === -1 ? '' : decodeURIComponent(item.slice(eq + 1));
      return [key, value] as const;
    })
    .filter(([key]) => key.toLowerCase() !== 'authorization')
    .map(([key, value]) => `${uriEncode(key)}=${uriEncode(value)}`)
    .sort()
    .join('&');
}

/**
 * Imported HMAC keys, by key text: importing is most of WebCrypto's cost per signature, and both
 * keys repeat (the SK on every request, the signing key for a whole second).
 */
const importedKeys = new Map<string, Promise<CryptoKey>>();
const IMPORTED_KEYS_MAX = 64;

function hmacKey(key: string): Promise<CryptoKey> {
  let imported = importedKeys.get(key);
  if (!imported) {
    imported = globalThis.crypto.subtle.importKey(
      'raw',
      encoder.encode(key),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    if (importedKeys.size >= IMPORTED_KEYS_MAX) importedKeys.delete(importedKeys.keys().next().value!);
    importedKeys.set(key, imported);
  }
  return imported;
}

async function hmacHex(key: string, data: string): Promise<string> {
  const mac = new Uint8Array(
    await globalThis.crypto.subtle.sign('HMAC', await hmacKey(key), encoder.encode(data)),
  );
  return Array.from(mac, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Builds the `Authorization` header value for a request. */
export async function signRequest(input: SignInput): Promise<string> {
  const headers: Record<string, string> = { host: input.url.host, ...input.headers };
  const expiration = input.expirationSeconds ?? 1800;
  const prefix = `bce-auth-v1/${input.credentials.ak}/${bceTimestamp(input.timestamp ?? new Date())}/${expiration}`;
  const names = (input.headersToSign ?? Object.keys(headers))
    .map((name) => name.toLowerCase())
    .filter((name) => (headers[name] ?? '').trim() !== '')
    .sort();
  const canonicalHeaders = names
    .map((name) => `${uriEncode(name)}:${uriEncode(headers[name]!.trim())}`)
    .sort()
    .join('\n');
  const canonicalRequest = [
    input.method.toUpperCase(),
    uriEncode(decodeURIComponent(input.url.pathname) || '/', true),
    canonicalQuery(input.url.search),
    canonicalHeaders,
  ].join('\n');
  const signingKey = await hmacHex(input.credentials.sk, prefix);
  return `${prefix}/${names.join(';')}/${await hmacHex(signingKey, canonicalRequest)}`;
}
