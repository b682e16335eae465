import { Client } from 'pg';

/** Drops a test's event table (event_store.<name>), so runs against a long-lived server leave nothing behind. */
export async function dropEventTable(url: string, name: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP TABLE IF EXISTS event_store."${name.replace(/-/g, '_')}"`);
  } finally {
    await client.end();
  }
}
