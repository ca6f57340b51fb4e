import pg from 'pg';

/**
 * Before a run on PostgreSQL (PEERLINK_TEST_DATABASE_URL), drop the schemas earlier runs left:
 * every test server gets its own `t_…` schema.
 */
export default async function setup(): Promise<void> {
  const url = process.env.PEERLINK_TEST_DATABASE_URL;
  if (!url) return;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ nspname: string }>(
      "select nspname from pg_namespace where nspname like 't\\_%'",
    );
    for (const { nspname } of rows) await client.query(`drop schema "${nspname}" cascade`);
  } finally {
    await client.end();
  }
}
