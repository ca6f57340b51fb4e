import { createPublicKey, verify } from 'node:crypto';
import { PeerlinkApiError } from '@peerlink/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findEnrollment } from '../../../store/repositories/enrollment.js';
import { SecretBox } from '../../../store/secret-box.js';
import { openTestDatabase, TEST_DATABASE_URL, TEST_MASTER_KEY } from '../../../testing/database.js';
import { startTestServer, type TestServer } from '../../../testing/harness.js';

let t: TestServer;
let admin: ReturnType<TestServer['clients']>;
beforeAll(async () => {
  t = await startTestServer();
  admin = t.clients({ ak: t.admin.accessKeyId, sk: t.admin.secretAccessKey });
});
afterAll(() => t.close());

async function problem(call: () => Promise<unknown>): Promise<PeerlinkApiError> {
  const error = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof PeerlinkApiError))
    throw new Error(`expected a PeerlinkApiError, got ${String(error)}`);
  return error;
}

describe('enrollment identity', () => {
  it('has a stable id and an Ed25519 key from the first start, and no platform title yet', async () => {
    const enrollment = await admin.peerlink.getEnrollment();
    expect(enrollment.enrollmentId).toMatch(/^enr-[0-9a-z]{12}$/);
    expect(Buffer.from(enrollment.publicKey, 'base64url')).toHaveLength(32);
    expect(enrollment.platformTitle).toBeNull();
    const tenant = await t.newAccount();
    expect(await tenant.peerlink.getEnrollment()).toEqual(enrollment);
  });

  it('keeps its private key sealed, and the key signs what the public key verifies', async () => {
    const db = await openTestDatabase(t.dataDir);
    try {
      const stored = (await findEnrollment(db))!;
      expect(stored.privateKeySealed).toMatch(/^v1:/);
      const box = TEST_DATABASE_URL
        ? SecretBox.fromKey(Buffer.from(TEST_MASTER_KEY, 'base64'))
        : SecretBox.open(t.dataDir, undefined);
      const { createPrivateKey, sign } = await import('node:crypto');
      const privateKey = createPrivateKey({
        key: Buffer.from(box.open(stored.privateKeySealed), 'base64'),
        format: 'der',
        type: 'pkcs8',
      });
      const message = Buffer.from('peer request');
      const publicKey = createPublicKey({
        key: { kty: 'OKP', crv: 'Ed25519', x: stored.publicKey },
        format: 'jwk',
      });
      expect(verify(null, message, publicKey, sign(null, message, privateKey))).toBe(true);
    } finally {
      await db.destroy();
    }
  });

  it('survives a restart unchanged', async () => {
    const before = await admin.peerlink.getEnrollment();
    await t.close();
    t = await startTestServer({ dataDir: t.dataDir, admin: t.admin });
    admin = t.clients({ ak: t.admin.accessKeyId, sk: t.admin.secretAccessKey });
    expect(await admin.peerlink.getEnrollment()).toEqual(before);
  });
});

describe('platform title', () => {
  it('is set by an administrator, trimmed, and recorded in the audit log', async () => {
    const updated = await admin.peerlink.setPlatformTitle('  Data Platform 数据平台 ');
    expect(updated.platformTitle).toBe('Data Platform 数据平台');
    expect((await admin.peerlink.getEnrollment()).platformTitle).toBe('Data Platform 数据平台');
    const [latest] = (await admin.peerlink.listAuditEvents()).events;
    expect(latest).toMatchObject({
      actor: t.admin.accountId,
      action: 'SetPlatformTitle',
      target: updated.enrollmentId,
      detail: 'Data Platform 数据平台',
    });
  });

  it('is refused to ordinary accounts and when empty or over-long', async () => {
    const tenant = await t.newAccount();
    const denied = await problem(() => tenant.peerlink.setPlatformTitle('Mine'));
    expect([denied.statusCode, denied.code]).toEqual([403, 'AccessDenied']);
    for (const bad of ['   ', 'x'.repeat(129)]) {
      const refused = await problem(() => admin.peerlink.setPlatformTitle(bad));
      expect([refused.statusCode, refused.code, refused.reason]).toEqual([
        400,
        'BadRequest',
        'InvalidPlatformTitle',
      ]);
    }
  });
});

describe('audit log', () => {
  it('records account and key administration, newest first, with keyset pages', async () => {
    const created = await admin.peerlink.createAccount({ name: 'audited' });
    const key = await admin.peerlink.createAccessKey(created.accountId);
    await admin.peerlink.deleteAccessKey(created.accountId, key.accessKeyId);
    const { events } = await admin.peerlink.listAuditEvents({ maxKeys: 3 });
    expect(events.map((e) => [e.action, e.target, e.detail])).toEqual([
      ['DeleteAccessKey', created.accountId, key.accessKeyId],
      ['CreateAccessKey', created.accountId, key.accessKeyId],
      ['CreateAccount', created.accountId, 'audited'],
    ]);
    expect(events.every((e) => e.actor === t.admin.accountId)).toBe(true);
    expect(JSON.stringify(events)).not.toContain(key.secretAccessKey);

    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const page = await admin.peerlink.listAuditEvents({ maxKeys: 2, ...(marker ? { marker } : {}) });
      seen.push(...page.events.map((e) => e.id));
      marker = page.isTruncated ? page.nextMarker : undefined;
    } while (marker);
    expect(seen).toEqual([...seen].sort().reverse());
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('is for administrators only', async () => {
    const tenant = await t.newAccount();
    const denied = await problem(() => tenant.peerlink.listAuditEvents());
    expect([denied.statusCode, denied.code]).toEqual([403, 'AccessDenied']);
  });
});
