import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * On a PostgreSQL run (PEERLINK_TEST_DATABASE_URL) every test server gets its own schema named
 * after this run; afterwards the run drops its own schemas, and only those, so runs may overlap.
 */
export default function setup(): () => Promise<void> {
  const run = randomBytes(4).toString('hex');
  process.env.PEERLINK_TEST_RUN = run;
  return async () => {
    const url = process.env.PEERLINK_TEST_DATABASE_URL;
    if (!url) return;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ nspname: string }>(
        'select nspname from pg_namespace where starts_with(nspname, $1)',
        [`t_${run}_`],
      );
      for (const { nspname } of rows) await client.query(`drop schema "${nspname}" cascade`);
    } finally {
      await client.end();
    }
  };
}
