import { randomUUID } from 'node:crypto';
import type { ClientBase } from 'pg';
import { AppendResult, checkDistinctStreams, StreamAppend } from './event-store.port';
import { schemaVersionOf } from './domain-events';
import { checkExpectedRevision } from './revision-check';
import { APPEND_LOCK_CLASS, EVENT_COLUMNS, EventRow, EventTable, toRecorded } from './postgres-event-table';

export interface AppendedRows {
  results: AppendResult[];
  /** Every row inserted, in position order. */
  rows: EventRow[];
}

/**
 * One multi-stream append, in a READ COMMITTED transaction the caller has begun and commits.
 *
 * Positions must grow in commit order, or a subscriber loses events: with a plain sequence,
 * transaction A takes position 10, B takes 11 and commits first, a subscriber reads 11 and moves
 * its checkpoint past it, and A's 10 becomes visible behind it, never to be read. So the append
 * first takes the store's advisory lock, held until its transaction ends, and only then draws
 * positions: the next appender cannot draw one before this one has committed (PostgreSQL makes a
 * commit visible before it releases the transaction's locks), so whatever a reader sees at
 * position N, everything before N that will ever commit is already visible to it.
 *
 * Emmett's PostgreSQL store instead stamps each row with pg_current_xact_id() and read
 * only rows whose transaction is older than pg_snapshot_xmin(pg_current_snapshot()). That keeps
 * writers concurrent, but positions are then not in delivery order: Emmett reads in
 * (transaction id, position) order and checkpoints that pair, where our port, and every
 * checkpoint and read-your-writes wait built on it, takes one number. And the xmin horizon is the
 * whole server's: any long transaction, in any database of the cluster (a report, a dump, an idle
 * psql session), holds back every subscriber. The price of the lock is one append at a time per
 * store, held for a few round trips and the commit (docs/architecture.md).
 *
 * The revision checks read after the lock, in statements of their own (each takes a fresh
 * snapshot that includes the previous holder's commit), so they cannot race either; every check
 * runs before any insert, and the caller rolls back on a refusal, so a refusal writes nothing.
 * The NOTIFY reaches listeners when the transaction commits, with `notifyPayload` (the appending
 * store's id, so it can tell its own commits, whose subscribers it wakes itself).
 */
export async function appendWithin(client: ClientBase, table: EventTable, appends: readonly StreamAppend[], notifyPayload: string): Promise<AppendedRows> {
  checkDistinctStreams(appends);
  await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [APPEND_LOCK_CLASS, table.channel]);
  const currents = await currentRevisions(client, table, appends);
  appends.forEach(({ streamId, expected }, i) => checkExpectedRevision(streamId, expected, currents[i]));

  const rows = await insertEvents(client, table, appends, currents);
  if (rows.length > 0) await client.query('SELECT pg_notify($1, $2)', [table.channel, notifyPayload]);
  const results = appends.map(({ streamId, events }, i): AppendResult => {
    const mine = rows.filter((row) => row.stream_id === streamId);
    const last = mine[mine.length - 1];
    return { revision: currents[i] + events.length, position: last ? Number(last.global_position) : 0, recorded: mine.map(toRecorded) };
  });
  return { results, rows };
}

/** Each stream's last revision, -1 for none: one backward index probe per stream, however long it is. */
async function currentRevisions(client: ClientBase, table: EventTable, appends: readonly StreamAppend[]): Promise<number[]> {
  const { rows } = await client.query<{ revision: number | null }>(
    `SELECT (SELECT stream_revision FROM ${table.sql} WHERE stream_id = wanted.id ORDER BY stream_revision DESC LIMIT 1) AS revision
     FROM unnest($1::text[]) WITH ORDINALITY AS wanted(id, n) ORDER BY wanted.n`,
    [appends.map(({ streamId }) => streamId)],
  );
  return rows.map(({ revision }) => revision ?? -1);
}

/** One INSERT for every event of every stream, in the order given, so positions follow that order. */
async function insertEvents(client: ClientBase, table: EventTable, appends: readonly StreamAppend[], currents: number[]): Promise<EventRow[]> {
  const columns = { streamIds: [] as string[], revisions: [] as number[], ids: [] as string[], types: [] as string[], versions: [] as number[], sites: [] as string[], times: [] as string[], metadata: [] as string[], data: [] as string[] };
  appends.forEach(({ streamId, events }, i) =>
    events.forEach((event, k) => {
      const { siteId, schemaVersion, occurredAt, ...rest } = event.metadata;
      columns.streamIds.push(streamId);
      columns.revisions.push(currents[i] + 1 + k);
      columns.ids.push(event.id ?? randomUUID());
      columns.types.push(event.type);
      columns.versions.push(schemaVersion ?? schemaVersionOf(event.type));
      columns.sites.push(siteId);
      columns.times.push(occurredAt ?? new Date().toISOString());
      columns.metadata.push(JSON.stringify(rest));
      columns.data.push(JSON.stringify(event.data));
    }),
  );
  if (columns.ids.length === 0) return [];
  const { rows } = await client.query<EventRow>(
    `INSERT INTO ${table.sql} (stream_id, stream_revision, id, type, schema_version, site_id, occurred_at, metadata, data)
     SELECT stream_id, stream_revision, id, type, schema_version, site_id, occurred_at, metadata, data
     FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::int[], $6::text[], $7::timestamptz[], $8::json[], $9::json[])
       WITH ORDINALITY AS e(stream_id, stream_revision, id, type, schema_version, site_id, occurred_at, metadata, data, n)
     ORDER BY n
     RETURNING ${EVENT_COLUMNS}`,
    [columns.streamIds, columns.revisions, columns.ids, columns.types, columns.versions, columns.sites, columns.times, columns.metadata, columns.data],
  );
  return rows.sort((a, b) => Number(a.global_position) - Number(b.global_position));
}
