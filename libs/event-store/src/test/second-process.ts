/**
 * A second process on one SQLite event-store file, for sqlite-multi-process.int.spec.ts: opens
 * the store named by EVENT_STORE_FILE, says `ready`, runs the one command it is sent and
 * replies with the streams it appended to.
 */
import { isWrongExpectedRevision, NewEvent } from '../event-store.port';
import { SqliteEventStore } from '../sqlite-event-store';

export type Command =
  /** Append `count` events one by one with `any`. */
  | { op: 'any'; stream: string; count: number }
  /** Append one event with expected revision 0 to each stream; report those it won. */
  | { op: 'race'; streams: string[] };

const store = new SqliteEventStore(process.env.EVENT_STORE_FILE!);
const event = (n: number): NewEvent => ({ type: 'FromChild', data: { n, pid: process.pid }, metadata: { siteId: 's' } });

process.once('message', async (command: Command) => {
  const won: string[] = [];
  if (command.op === 'any') {
    for (let n = 0; n < command.count; n++) await store.append(command.stream, [event(n)], 'any');
  } else {
    for (const stream of command.streams) {
      try {
        await store.append(stream, [event(0)], 0);
        won.push(stream);
      } catch (error) {
        if (!isWrongExpectedRevision(error)) throw error;
      }
    }
  }
  await store.close();
  process.send!({ won }, () => process.disconnect());
});
process.send!('ready');
