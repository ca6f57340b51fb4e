import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../clock.js';
import { DomainError } from '../domain/errors.js';
import type { Db } from '../store/database.js';
import { SecretBox } from '../store/secret-box.js';
import { openTestDatabase } from '../testing/database.js';
import { tempDataDir } from '../testing/harness.js';
import { AccountService } from './accounts.js';

const NOW = Date.UTC(2024, 0, 2, 3, 4, 5);
const clock: Clock = { now: () => NOW };
const box = SecretBox.fromKey(Buffer.alloc(32, 1));

let db: Db;
let service: AccountService;
beforeEach(async () => {
  db = await openTestDatabase(tempDataDir());
  service = new AccountService(db, clock, box);
});
afterEach(() => db.destroy());

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(error)}`);
  return error;
}

async function keyRows() {
  return db.selectFrom('access_keys').selectAll().orderBy('access_key_id').execute();
}

async function accountRows() {
  return db.selectFrom('accounts').selectAll().execute();
}

const CONFIGURED = { accessKeyId: 'ConfiguredAdminAK', secretAccessKey: 'configured_admin-secret_0001' };

describe('AccountService.bootstrap', () => {
  it('creates the administrator with fresh credentials on first start and returns them', async () => {
    const created = await service.bootstrap(undefined);
    expect(created).toEqual({
      accountId: expect.stringMatching(/^[0-9a-f]{32}$/),
      accessKeyId: expect.stringMatching(/^[0-9a-f]{32}$/),
      secretAccessKey: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(await accountRows()).toEqual([
      { id: created!.accountId, name: 'admin', is_admin: 1, created_at: NOW },
    ]);
    expect(await service.resolveCredential(created!.accessKeyId)).toEqual({
      accountId: created!.accountId,
      isAdmin: true,
      secretAccessKey: created!.secretAccessKey,
    });
    // Another data directory gets other credentials.
    const otherDb = await openTestDatabase(tempDataDir());
    try {
      const second = await new AccountService(otherDb, clock, box).bootstrap(undefined);
      expect(second!.accessKeyId).not.toBe(created!.accessKeyId);
      expect(second!.secretAccessKey).not.toBe(created!.secretAccessKey);
    } finally {
      await otherDb.destroy();
    }
  });

  it('creates the administrator with the configured credentials on first start', async () => {
    const created = await service.bootstrap(CONFIGURED);
    expect(created).toEqual({ accountId: expect.stringMatching(/^[0-9a-f]{32}$/), ...CONFIGURED });
    expect(await service.resolveCredential(CONFIGURED.accessKeyId)).toEqual({
      accountId: created!.accountId,
      isAdmin: true,
      secretAccessKey: CONFIGURED.secretAccessKey,
    });
  });

  it('returns nothing on later starts and creates nothing more', async () => {
    const created = await service.bootstrap(undefined);
    expect(await service.bootstrap(undefined)).toBeUndefined();
    // Restarting over the same database: a new service, same answer.
    expect(await new AccountService(db, clock, box).bootstrap(undefined)).toBeUndefined();
    expect(await accountRows()).toHaveLength(1);
    expect((await keyRows()).map((row) => row.access_key_id)).toEqual([created!.accessKeyId]);
  });

  it('adds new configured credentials to the administrator on a later start', async () => {
    const created = await service.bootstrap(undefined);
    expect(await service.bootstrap(CONFIGURED)).toBeUndefined();
    expect(await service.resolveCredential(CONFIGURED.accessKeyId)).toEqual({
      accountId: created!.accountId,
      isAdmin: true,
      secretAccessKey: CONFIGURED.secretAccessKey,
    });
    // The first key keeps working; no account was added.
    expect((await service.resolveCredential(created!.accessKeyId))?.secretAccessKey).toBe(
      created!.secretAccessKey,
    );
    expect(await accountRows()).toHaveLength(1);
    expect((await service.listAccessKeys(created!.accountId)).map((k) => k.accessKeyId).sort()).toEqual(
      [created!.accessKeyId, CONFIGURED.accessKeyId].sort(),
    );
  });

  it('updates the secret of configured credentials when it changed, and leaves it alone otherwise', async () => {
    await service.bootstrap(CONFIGURED);
    const [before] = await keyRows();
    expect(await service.bootstrap(CONFIGURED)).toBeUndefined();
    const [unchanged] = await keyRows();
    expect(unchanged!.secret_sealed).toBe(before!.secret_sealed);

    const rotated = { ...CONFIGURED, secretAccessKey: 'rotated-admin-secret_0002' };
    expect(await service.bootstrap(rotated)).toBeUndefined();
    expect((await service.resolveCredential(CONFIGURED.accessKeyId))?.secretAccessKey).toBe(
      rotated.secretAccessKey,
    );
    expect(await keyRows()).toHaveLength(1);
  });

  it('refuses configured credentials whose AK belongs to an ordinary account', async () => {
    await service.bootstrap(undefined);
    const tenant = await service.createAccount({ name: 'tenant' });
    const error = await refusal(
      service.bootstrap({ accessKeyId: tenant.accessKeyId, secretAccessKey: 'takeover-secret-123' }),
    );
    expect([error.kind, error.reason]).toEqual(['OperationDenied', 'AdminKeyTaken']);
    expect(await service.resolveCredential(tenant.accessKeyId)).toEqual({
      accountId: tenant.accountId,
      isAdmin: false,
      secretAccessKey: tenant.secretAccessKey,
    });
  });

  it('refuses AK or SK text that is not 8-128 characters of A-Z a-z 0-9 _ -', async () => {
    for (const configured of [
      { accessKeyId: 'short', secretAccessKey: 'long-enough-secret' },
      { accessKeyId: 'has/slash-ak', secretAccessKey: 'long-enough-secret' },
      { accessKeyId: 'long-enough-ak', secretAccessKey: 'with space secret' },
      { accessKeyId: 'long-enough-ak', secretAccessKey: '' },
      { accessKeyId: 'a'.repeat(129), secretAccessKey: 'long-enough-secret' },
      { accessKeyId: 'ünïcode-ak', secretAccessKey: 'long-enough-secret' },
    ]) {
      const error = await refusal(service.bootstrap(configured));
      expect([error.kind, error.reason]).toEqual(['BadRequest', 'InvalidAdminCredentials']);
    }
    // Nothing was created by the refused first starts.
    expect(await accountRows()).toEqual([]);
    await service.bootstrap(undefined);
    const later = await refusal(service.bootstrap({ accessKeyId: 'short', secretAccessKey: 'x' }));
    expect(later.reason).toBe('InvalidAdminCredentials');
    expect(await keyRows()).toHaveLength(1);
  });

  it('stores secret access keys sealed, never in plaintext', async () => {
    await service.bootstrap(CONFIGURED);
    const tenant = await service.createAccount({});
    const rows = await keyRows();
    expect(rows).toHaveLength(2);
    for (const [row, secret] of [
      [rows.find((r) => r.access_key_id === CONFIGURED.accessKeyId)!, CONFIGURED.secretAccessKey],
      [rows.find((r) => r.access_key_id === tenant.accessKeyId)!, tenant.secretAccessKey],
    ] as const) {
      expect(row.secret_sealed).toMatch(/^v1:/);
      expect(row.secret_sealed).not.toContain(secret);
      expect(Buffer.from(row.secret_sealed.slice(3), 'base64').toString('latin1')).not.toContain(secret);
      expect(box.open(row.secret_sealed)).toBe(secret);
      expect(Number(row.created_at)).toBe(NOW);
    }
    // Another master key cannot read them.
    expect(() => SecretBox.fromKey(Buffer.alloc(32, 2)).open(rows[0]!.secret_sealed)).toThrow();
  });
});
