import { siteStream } from '@cp/contracts';
import { RecordedEvent, recordOf } from '@cp/event-store';
import { evolveFieldCatalog, FieldCatalog, FieldEventRecord, initialFieldCatalog } from '@cp/extended-fields-domain';

/** The service's name: its projection's checkpoint, its relays' (`relay:extended-fields`, `public:extended-fields`), its integration events' source. */
export const FIELDS_SERVICE = 'extended-fields';

/** A site's extended-field catalog is one stream, `extendedfields-<siteKey>`. */
export const FIELDS_STREAM_PREFIX = 'extendedfields-';

export const fieldsStream = (siteId: string): string => siteStream(FIELDS_STREAM_PREFIX, siteId);

/** Folds stored field events (onto `from`, by default an unopened catalog). */
export function foldFieldEvents(events: readonly RecordedEvent[], from: FieldCatalog = initialFieldCatalog()): FieldCatalog {
  return events.reduce((state, event) => evolveFieldCatalog(state, recordOf<FieldEventRecord>(event)), from);
}
