import { decideImport, evolveImport, ImportCommand, ImportEventRecord, ImportState } from '@cp/contacts-domain';
import { RequestContext, siteStream } from '@cp/contracts';
import { AppendResult, EventStore, handleCommand, KnownState, RecordedEvent, recordOf } from '@cp/event-store';
import { Clock } from './clock';
import { metadataFor } from './event-metadata';

export const IMPORT_STREAM_PREFIX = 'contactimport-';

/** An import as its runner holds it: its state, the stream revision it was folded to, and who it acts as. */
export interface LoadedImport {
  state: ImportState;
  revision: number;
  context: RequestContext;
}

export function importStream(siteId: string, importId: string): string {
  return siteStream(IMPORT_STREAM_PREFIX, siteId, importId);
}

export function foldImport(events: readonly RecordedEvent[], from?: ImportState): ImportState | undefined {
  return events.map((event) => recordOf<ImportEventRecord>(event)).reduce<ImportState | undefined>(evolveImport, from);
}

/** The write side of imports: every change to one goes through its decider and the command handler. */
export class ImportCommands {
  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
  ) {}

  /** A command of the API (create, finish or fail the upload): on the stream as it is. */
  async decide(context: RequestContext, importId: string, command: ImportCommand): Promise<{ state: ImportState | undefined; appended?: AppendResult }> {
    const { state, appended } = await this.handle(context, importId, command);
    return { state, appended };
  }

  /**
   * A runner's command on the import it holds: only the events after its revision are read. Only
   * its runner writes to an import once it is queued, so events after that revision are another
   * runner's (another replica resumed it too): this one has lost it, records nothing and stops.
   */
  async record(job: LoadedImport, command: ImportCommand): Promise<{ job: LoadedImport; appended?: AppendResult; lost?: true }> {
    const { state, revision, appended, lost } = await this.handle(job.context, job.state.id, command, { state: job.state, revision: job.revision });
    if (lost) return { job, lost };
    return { job: { ...job, state: state!, revision }, appended };
  }

  async load(siteId: string, importId: string): Promise<LoadedImport | undefined> {
    const events = await this.store.readStream(importStream(siteId, importId));
    const state = foldImport(events);
    if (!state) return undefined;
    const context: RequestContext = {
      siteId,
      actor: events[0].actor ?? { type: 'SYSTEM', id: 'import' },
      correlationId: importId,
      permissions: state.options.permissions,
    };
    return { state, context, revision: events[events.length - 1].revision };
  }

  private async handle(context: RequestContext, importId: string, command: ImportCommand, known?: KnownState<ImportState | undefined>) {
    let occurredAt = this.clock.now();
    let lost = false;
    const { result: state, appended, revision } = await handleCommand(
      this.store,
      importStream(context.siteId, importId),
      (events, from) => {
        if (known && events.length > 0) lost = true;
        return foldImport(events, from);
      },
      (current) => {
        if (lost) return { events: [], result: current };
        const events = decideImport(command, current);
        occurredAt = this.clock.now();
        return { events, result: events.reduce<ImportState | undefined>((next, event) => evolveImport(next, { ...event, occurredAt } as ImportEventRecord), current) };
      },
      { metadata: () => metadataFor(context, occurredAt), subject: `import ${importId}`, known },
    );
    return { state, revision, appended, lost };
  }
}
