import type { Clock } from '../clock.js';
import { badRequest, noSuchObject, operationDenied } from '../domain/errors.js';
import { checkName } from '../domain/names.js';
import type { Page, PageRequest } from '../domain/pagination.js';
import { toPage } from '../domain/pagination.js';
import type { Db, Executor } from '../store/database.js';
import {
  type AccountRow,
  countAccounts,
  deleteAccessKey,
  findAccount,
  findCredential,
  findFirstAdminId,
  insertAccessKey,
  insertAccount,
  listAccessKeys,
  listAccounts,
  replaceAccessKeySecret,
} from '../store/repositories/accounts.js';
import type { SecretBox } from '../store/secret-box.js';
import { transact } from '../store/transact.js';
import { randomHex } from './ids.js';

/** What a new account or key is handed once; the secret is never shown again. */
export interface NewCredentials {
  accountId: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface ResolvedCredential {
  accountId: string;
  isAdmin: boolean;
  secretAccessKey: string;
}

/** Keys end up in the `/`-separated auth string, so they are plain tokens. */
const KEY_TEXT = /^[A-Za-z0-9_-]{8,128}$/;

export class AccountService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly box: SecretBox,
    /** Records an administrative action in the action's transaction (the audit log). */
    private readonly audit: (
      db: Executor,
      event: { actor: string; action: string; target: string; detail?: string },
    ) => Promise<void> = async () => {},
  ) {}

  async createAccount(input: { name?: string; isAdmin?: boolean }, actor?: string): Promise<NewCredentials> {
    const accountId = randomHex(16);
    const name =
      input.name === undefined ? `account-${accountId.slice(0, 8)}` : checkName('name', input.name);
    return transact(this.db, async (tx) => {
      await insertAccount(tx, {
        id: accountId,
        name,
        isAdmin: input.isAdmin ?? false,
        createdAt: this.clock.now(),
      });
      const created = await this.addKey(tx, accountId, randomHex(16), randomHex(16));
      if (actor) {
        const detail = input.isAdmin ? `${name} (administrator)` : name;
        await this.audit(tx, { actor, action: 'CreateAccount', target: accountId, detail });
      }
      return created;
    });
  }

  async getAccount(accountId: string): Promise<AccountRow> {
    const account = await findAccount(this.db, accountId);
    if (!account) throw noSuchObject('AccountNotFound', `account ${accountId} does not exist`);
    return account;
  }

  async listAccounts(page: PageRequest): Promise<Page<AccountRow>> {
    return toPage(await listAccounts(this.db, page), page, (a) => a.id);
  }

  async createAccessKey(accountId: string, actor?: string): Promise<NewCredentials> {
    return transact(this.db, async (tx) => {
      if (!(await findAccount(tx, accountId)))
        throw noSuchObject('AccountNotFound', `account ${accountId} does not exist`);
      const created = await this.addKey(tx, accountId, randomHex(16), randomHex(16));
      if (actor)
        await this.audit(tx, {
          actor,
          action: 'CreateAccessKey',
          target: accountId,
          detail: created.accessKeyId,
        });
      return created;
    });
  }

  async listAccessKeys(accountId: string): Promise<{ accessKeyId: string; createdAt: number }[]> {
    await this.getAccount(accountId);
    const keys = await listAccessKeys(this.db, accountId);
    return keys.map(({ accessKeyId, createdAt }) => ({ accessKeyId, createdAt }));
  }

  /** An account keeps at least one key, so an administrator cannot lock everyone out. */
  async deleteAccessKey(accountId: string, accessKeyId: string, actor?: string): Promise<void> {
    await transact(this.db, async (tx) => {
      const keys = await listAccessKeys(tx, accountId);
      if (!keys.some((key) => key.accessKeyId === accessKeyId)) {
        throw noSuchObject('AccessKeyNotFound', `account ${accountId} has no access key ${accessKeyId}`);
      }
      if (keys.length === 1) {
        throw operationDenied(
          'LastAccessKey',
          `access key ${accessKeyId} is the last key of account ${accountId}`,
        );
      }
      await deleteAccessKey(tx, accountId, accessKeyId);
      if (actor)
        await this.audit(tx, { actor, action: 'DeleteAccessKey', target: accountId, detail: accessKeyId });
    });
  }

  async resolveCredential(accessKeyId: string): Promise<ResolvedCredential | undefined> {
    const credential = await findCredential(this.db, accessKeyId);
    if (!credential) return undefined;
    return {
      accountId: credential.accountId,
      isAdmin: credential.isAdmin,
      secretAccessKey: this.box.open(credential.secretSealed),
    };
  }

  /**
   * First start (no account yet): creates the administrator, with the given credentials or fresh
   * ones, and returns them so they can be shown once. Later starts only make sure configured
   * administrator credentials still work.
   */
  async bootstrap(
    configured: { accessKeyId: string; secretAccessKey: string } | undefined,
  ): Promise<NewCredentials | undefined> {
    if (
      configured &&
      (!KEY_TEXT.test(configured.accessKeyId) || !KEY_TEXT.test(configured.secretAccessKey))
    ) {
      throw badRequest(
        'InvalidAdminCredentials',
        'administrator AK and SK must be 8-128 characters of A-Z a-z 0-9 _ -',
      );
    }
    return transact(this.db, async (tx) => {
      if ((await countAccounts(tx)) === 0) {
        const accountId = randomHex(16);
        await insertAccount(tx, { id: accountId, name: 'admin', isAdmin: true, createdAt: this.clock.now() });
        return this.addKey(
          tx,
          accountId,
          configured?.accessKeyId ?? randomHex(16),
          configured?.secretAccessKey ?? randomHex(16),
        );
      }
      if (!configured) return undefined;
      const existing = await findCredential(tx, configured.accessKeyId);
      if (existing && !existing.isAdmin) {
        throw operationDenied(
          'AdminKeyTaken',
          `access key ${configured.accessKeyId} belongs to a non-admin account`,
        );
      }
      if (existing) {
        if (this.box.open(existing.secretSealed) !== configured.secretAccessKey) {
          await replaceAccessKeySecret(tx, configured.accessKeyId, this.box.seal(configured.secretAccessKey));
        }
        return undefined;
      }
      const adminId = await findFirstAdminId(tx);
      if (!adminId)
        throw operationDenied('NoAdminAccount', 'no administrator account exists to hold the key');
      await this.addKey(tx, adminId, configured.accessKeyId, configured.secretAccessKey);
      return undefined;
    });
  }

  private async addKey(
    db: Executor,
    accountId: string,
    accessKeyId: string,
    secret: string,
  ): Promise<NewCredentials> {
    await insertAccessKey(db, {
      accessKeyId,
      accountId,
      secretSealed: this.box.seal(secret),
      createdAt: this.clock.now(),
    });
    return { accountId, accessKeyId, secretAccessKey: secret };
  }
}
