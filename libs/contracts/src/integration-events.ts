/**
 * Integration events: what a service tells the others about its committed events. The same
 * envelope travels on the in-process bus (standalone) and on Kafka (distributed), keyed by
 * `entityId` so that per-entity order holds. Delivery is at least once: consumers dedupe on
 * `id` or, for state-carrying events, keep the highest `sequence` per entity.
 */
export interface IntegrationEvent<Data = unknown> {
  /** Unique per integration event (derived from the source event's id). */
  id: string;
  /** e.g. `LabelCreated`, `ExtendedFieldDeleted`. */
  type: string;
  /** The service that owns the entity: `labels` or `extended-fields`. */
  source: string;
  siteId: string;
  /** Label key or field key. */
  entityId: string;
  /** Strictly increases per entity (the revision of the source stream). */
  sequence: number;
  occurredAt: string;
  correlationId?: string;
  data: Data;
}

/** The contacts service publishes none: what leaves it is public events (`PublicEventTopics.contacts`). */
export const Topics = {
  labels: 'labels.events',
  extendedFields: 'extended-fields.events',
} as const;

export type Topic = (typeof Topics)[keyof typeof Topics];
