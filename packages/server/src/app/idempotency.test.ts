import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../domain/errors.js';
import type { Db } from '../store/database.js';
import { openTestDatabase } from '../testing/database.js';
import { tempDataDir } from '../testing/harness.js';
import { IDEMPOTENCY_WINDOW_MS, runIdempotent } from './idempotency.js';

let db: Db;
beforeAll(async () => {
  db = await openTestDatabase(tempDataDir());
});
afterAll(() => db.destroy());

/** Runs `work` idempotently at time `now` and counts how often its effect really ran. */
function makeRunner(operation = 'CreateThing') {
  let effects = 0;
  const run = (token: string, fingerprint: string, now: number) =>
    db.transaction().execute((tx) =>
      runIdempotent(tx, { accountId: 'acct', operation, now }, { token, fingerprint }, async () => {
        effects += 1;
        return { id: `thing-${effects}` };
      }),
    );
  return { run, effects: () => effects };
}

describe('runIdempotent', () => {
  it('answers a repeat with the first result without running the effect again', async () => {
    const runner = makeRunner();
    expect(await runner.run('t1', 'f', 1000)).toEqual({ id: 'thing-1' });
    expect(await runner.run('t1', 'f', 2000)).toEqual({ id: 'thing-1' });
    expect(runner.effects()).toBe(1);
  });

  it('refuses a token reused for a different request', async () => {
    const runner = makeRunner();
    await runner.run('t2', 'f', 1000);
    await expect(runner.run('t2', 'other', 1000)).rejects.toSatisfy(
      (e) => e instanceof DomainError && e.kind === 'IdempotentParameterMismatch',
    );
    expect(runner.effects()).toBe(1);
  });

  it('forgets a token 24 hours after its last use, not after its first', async () => {
    const runner = makeRunner();
    await runner.run('t3', 'f', 0);
    await runner.run('t3', 'f', IDEMPOTENCY_WINDOW_MS - 1);
    // Still remembered: the window counts from the last use.
    expect(await runner.run('t3', 'f', 2 * IDEMPOTENCY_WINDOW_MS - 2)).toEqual({ id: 'thing-1' });
    // Past the window the token is new again, even for a different request.
    expect(await runner.run('t3', 'other', 3 * IDEMPOTENCY_WINDOW_MS)).toEqual({ id: 'thing-2' });
    expect(runner.effects()).toBe(2);
  });

  it('keeps no record when the effect fails, and rolls the effect back with it', async () => {
    await expect(
      db.transaction().execute((tx) =>
        runIdempotent(
          tx,
          { accountId: 'acct', operation: 'Failing', now: 1 },
          { token: 't4', fingerprint: 'f' },
          async () => {
            await tx
              .insertInto('accounts')
              .values({ id: 'ghost', name: 'ghost', is_admin: 0, created_at: 1 })
              .execute();
            throw new Error('refused');
          },
        ),
      ),
    ).rejects.toThrow('refused');
    expect(await db.selectFrom('accounts').where('id', '=', 'ghost').selectAll().execute()).toEqual([]);
    const runner = makeRunner('Failing');
    expect(await runner.run('t4', 'f', 2)).toEqual({ id: 'thing-1' });
  });

  it('keeps tokens of different operations apart', async () => {
    const create = makeRunner('Create');
    const update = makeRunner('Update');
    await create.run('same', 'f1', 1);
    expect(await update.run('same', 'f2', 1)).toEqual({ id: 'thing-1' });
    expect([create.effects(), update.effects()]).toEqual([1, 1]);
  });
});
