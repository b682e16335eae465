import { RequestContext } from '@cp/contracts';
import { EventStore, RecordedEvent } from '@cp/event-store';
import { CheckpointedProjection, ProjectionLogger } from '@cp/projection';
import { ReadStore } from '@cp/read-store';
import { ContactCommands } from './contact-commands';
import { CONTACT_STREAM_PREFIX, contactIdOf, isContactStream } from './streams';

/**
 * Finishes merges. A merge commits when the target's `ContactsMerged` is stored; the request
 * then marks each source merged into the target. Should the process die in between, this
 * process manager — subscribed to every contact event from its checkpoint, at start and live —
 * marks the sources the event lists. Marking is idempotent, so it does no harm when it races
 * the request or sees an event again.
 */
export class MergeCompleter {
  static readonly NAME = 'merge-completer';

  readonly projection: CheckpointedProjection;

  constructor(
    store: EventStore,
    readStore: ReadStore,
    private readonly commands: ContactCommands,
    private readonly logger: ProjectionLogger,
  ) {
    this.projection = new CheckpointedProjection(MergeCompleter.NAME, store, readStore, (event) => this.handle(event), logger, [CONTACT_STREAM_PREFIX]);
  }

  start(): Promise<void> {
    return this.projection.start();
  }

  stop(): Promise<void> {
    return this.projection.stop();
  }

  private async handle(event: RecordedEvent): Promise<void> {
    if (event.type !== 'ContactsMerged' || event.redacted || !isContactStream(event.streamId)) return;
    const targetId = contactIdOf(event.streamId);
    const { sourceContactIds } = event.data as { sourceContactIds: string[] };
    const context: RequestContext = {
      siteId: event.siteId,
      actor: { type: 'SYSTEM', id: MergeCompleter.NAME },
      correlationId: event.correlationId ?? event.id,
    };
    const unmarked = await this.commands.completeMerge(context, targetId, sourceContactIds);
    for (const source of unmarked) {
      this.logger.warn(`merge into ${targetId} (event ${event.id}): source ${source.contactId} not marked: ${source.code}`);
    }
  }
}
