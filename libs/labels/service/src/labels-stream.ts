import { siteStream } from '@cp/contracts';
import { RecordedEvent, recordOf } from '@cp/event-store';
import { evolveLabelCatalog, initialLabelCatalog, LabelCatalog, LabelEventRecord } from '@cp/labels-domain';

/** The service's name: its projection's checkpoint, its relays' (`relay:labels`, `public:labels`), its integration events' source. */
export const LABELS_SERVICE = 'labels';

/** A site's label catalog is one stream, `labels-<siteKey>`. */
export const LABELS_STREAM_PREFIX = 'labels-';

export const labelsStream = (siteId: string): string => siteStream(LABELS_STREAM_PREFIX, siteId);

/** Folds stored label events (onto `from`, by default an unopened catalog). */
export function foldLabelEvents(events: readonly RecordedEvent[], from: LabelCatalog = initialLabelCatalog()): LabelCatalog {
  return events.reduce((state, event) => evolveLabelCatalog(state, recordOf<LabelEventRecord>(event)), from);
}
