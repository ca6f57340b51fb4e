import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TestClock } from '../../../clock.js';
import type { Reconciler } from '../../../reconciler/reconciler.js';
import type { Db } from '../../../store/database.js';
import { deleteAllResources } from '../../../store/reset.js';
import { bodySchema, parseBody } from '../../bce/input.js';
import { HttpError } from '../../errors.js';
import { requireAdmin } from '../admin.js';

const MAX_MOVE_MS = 100 * 365 * 24 * 60 * 60 * 1000;
/** `set` targets: from the epoch to the end of year 9999, dates every SDK can parse. */
const LATEST_SET_MS = Date.UTC(9999, 11, 31, 23, 59, 59);

const MoveClock = bodySchema(
  Type.Object({
    // A century at most: a clock moved past year ~275760 cannot be shown as a date.
    advanceMs: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_MOVE_MS })),
    advanceSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_MOVE_MS / 1000 })),
    set: Type.Optional(Type.String()),
    // Back to real time exactly (offset 0): replicas of one machine then share one business clock,
    // which `set` to the current time cannot promise (it lands the request's latency behind).
    realTime: Type.Optional(Type.Literal(true)),
  }),
);

export interface TestApiDeps {
  testClock: TestClock | undefined;
  reconciler: Reconciler;
  db: Db;
}

/**
 * `--test-clock` only: read and move business time, and wipe every resource. Moving time runs the
 * reconciler until nothing is due, so the answer already reflects timeouts and expiries.
 */
export function testClockRoutes(app: FastifyInstance, deps: TestApiDeps): void {
  const enabled = (request: FastifyRequest): TestClock => {
    requireAdmin(request);
    if (!deps.testClock) {
      throw new HttpError(
        403,
        'TestClockDisabled',
        'the test API is off; start the server with --test-clock',
      );
    }
    return deps.testClock;
  };
  const state = (clock: TestClock) => ({ now: new Date(clock.now()).toISOString(), offsetMs: clock.offset });

  app.get('/api/v1/_test/clock', async (request) => state(enabled(request)));

  app.post('/api/v1/_test/clock', async (request) => {
    const clock = enabled(request);
    const body = parseBody(MoveClock, request.body);
    const moves = [body.advanceMs, body.advanceSeconds, body.set, body.realTime].filter(
      (move) => move !== undefined,
    );
    if (moves.length !== 1) {
      throw new HttpError(
        400,
        'BadRequest',
        'give exactly one of advanceMs, advanceSeconds, set or realTime',
      );
    }
    if (body.realTime) {
      clock.reset();
    } else if (body.set !== undefined) {
      const target = Date.parse(body.set);
      if (Number.isNaN(target) || target < 0 || target > LATEST_SET_MS) {
        throw new HttpError(
          400,
          'BadRequest',
          `set "${body.set}" is not an ISO 8601 time between 1970 and 9999`,
        );
      }
      clock.set(target);
    } else {
      clock.advance(body.advanceMs ?? (body.advanceSeconds ?? 0) * 1000);
    }
    const handled = await deps.reconciler.drain();
    return { ...state(clock), reconciled: handled };
  });

  app.post('/api/v1/_test/reset', async (request) => {
    const clock = enabled(request);
    await deps.reconciler.drain();
    await deleteAllResources(deps.db);
    clock.reset();
    return state(clock);
  });
}
