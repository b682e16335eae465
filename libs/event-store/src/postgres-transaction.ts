import type { Pool, PoolClient } from 'pg';

/**
 * Runs `work` in a transaction on one connection of the pool: committed if it resolves, rolled
 * back if it throws. A connection whose rollback fails too (it was lost) is closed, not pooled.
 */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
    throw error;
  } finally {
    client.release(broken);
  }
}
