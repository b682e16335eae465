import { ADDRESS_TAGS, DELIVERABILITY_STATUSES, EMAIL_TAGS, PHONE_TAGS, SUBSCRIPTION_STATUSES } from '@cp/contacts-domain';
import { CONTACT_INFO_EXAMPLE, DEFINITION_KEY_SCHEMA, PUBLIC_EVENT_TYPES, WIRE_SCHEMAS } from '@cp/contracts';
import type { SchemaObject } from '@nestjs/swagger';
import { anyValue, array, boolean, dateTime, enumOf, integer, items, map, object, ref, Schema, string, uuid } from './schema-builders';

/**
 * The wire shapes of the API as OpenAPI component schemas: the Contacts v4 objects as Wix's
 * SDK types them (`@wix/auto_sdk_crm_*`), and the platform's own (webhook subscriptions,
 * deliveries, the change feed, bulk jobs). The e2e suites check every response against them.
 */

// Enums of the contacts domain come from it; those of other contexts (label and field types,
// webhook formats, delivery and bulk-job statuses) are repeated here from their domain libraries,
// which the gateway does not depend on, and the response check of the e2e suites holds them to it.
/** A phone's subscription status: phones have none unless they parse (E.164). */
const PHONE_SUBSCRIPTION_STATUSES = ['NO_SUBSCRIPTION_STATUS', 'NOT_SET'] as const;

const contactInfoSchemas = {
  ContactName: object({ first: string(undefined, { example: 'Ada' }), last: string(undefined, { example: 'Lovelace' }) }),
  ContactEmail: object(
    { id: uuid(), tag: enumOf(EMAIL_TAGS), email: string('An email address (not limited to ASCII)', { example: 'ada@example.com' }), primary: boolean() },
    ['email'],
  ),
  ContactPhone: object(
    {
      id: uuid(),
      tag: enumOf(PHONE_TAGS),
      countryCode: string('ISO 3166-1 alpha-2', { example: 'US' }),
      phone: string(undefined, { example: '+1 415 555 0101' }),
      e164Phone: string('Derived when the number parses', { example: '+14155550101' }),
      formattedPhone: string('Derived when the number parses', { example: '+1 415 555 0101' }),
      primary: boolean(),
    },
    ['phone'],
  ),
  StreetAddress: object({ number: string(), name: string(), apt: string() }),
  Address: object({
    streetAddress: ref('StreetAddress'),
    addressLine: string('The first address line (the SDK calls it addressLine1)', { example: '1 Infinite Loop' }),
    addressLine2: string(),
    city: string(undefined, { example: 'London' }),
    subdivision: string('ISO 3166-2 code', { example: 'GB-LND' }),
    country: string('ISO 3166-1 alpha-2', { example: 'GB' }),
    postalCode: string(),
    formattedAddress: string(),
    geocode: object({ latitude: { type: 'number' }, longitude: { type: 'number' } }, ['latitude', 'longitude']),
  }),
  ContactAddress: object({ id: uuid(), tag: enumOf(ADDRESS_TAGS), address: ref('Address') }, ['address']),
  ContactPicture: object({ image: anyValue('A URL, or an image object'), imageProvider: string() }),
  ContactInfo: object(
    {
      name: ref('ContactName'),
      emails: items(ref('ContactEmail')),
      phones: items(ref('ContactPhone')),
      addresses: items(ref('ContactAddress')),
      company: string(undefined, { example: 'Analytical Engines' }),
      jobTitle: string(undefined, { example: 'Mathematician' }),
      birthdate: string('YYYY-MM-DD', { format: 'date', example: '1815-12-10' }),
      locale: string(undefined, { example: 'en-gb' }),
      labelKeys: items({ ...DEFINITION_KEY_SCHEMA }, 'Keys of existing labels'),
      extendedFields: object(
        { items: { ...map({ oneOf: [{ type: 'string', nullable: true }, { type: 'number' }, { type: 'boolean' }] }, 'Extended field values by key (null: cleared)'), example: { 'custom.external-id': 'A-1043' } } },
        ['items'],
      ),
      picture: ref('ContactPicture'),
      locations: items(string()),
    },
    [],
    { example: CONTACT_INFO_EXAMPLE },
  ),
} satisfies Record<string, Schema>;

const contactSchemas = {
  Contact: object(
    {
      id: uuid(),
      revision: integer('Increments with every change; send it back to Update and Merge', { minimum: 1 }),
      source: object({ sourceType: string(undefined, { example: 'OTHER' }), appId: string() }, ['sourceType']),
      createdDate: dateTime(),
      updatedDate: dateTime(),
      lastActivity: object({ activityDate: dateTime(), activityType: string(undefined, { example: 'CONTACT_CREATED' }) }, ['activityDate', 'activityType']),
      primaryInfo: object({ email: string(), phone: string() }),
      primaryEmail: object({ email: string(), subscriptionStatus: enumOf(SUBSCRIPTION_STATUSES), deliverabilityStatus: enumOf(DELIVERABILITY_STATUSES) }, ['email', 'subscriptionStatus', 'deliverabilityStatus']),
      primaryPhone: object(
        { countryCode: string(), e164Phone: string(), formattedPhone: string(), phone: string(), subscriptionStatus: enumOf(PHONE_SUBSCRIPTION_STATUSES) },
        ['phone', 'subscriptionStatus'],
      ),
      info: ref('ContactInfo'),
    },
    ['id', 'revision'],
    { description: 'A contact. With `fieldsets` or `fields`, only the chosen parts besides `id` and `revision`.' },
  ),
  PagingMetadata: object(
    { count: integer('Items in this page'), offset: integer(), total: integer(), tooManyToCount: boolean() },
    ['count', 'offset', 'total', 'tooManyToCount'],
  ),
  CursorPagingMetadata: object(
    {
      count: integer('Items in this page'),
      cursors: object({ next: string(undefined, { nullable: true }), prev: string(undefined, { nullable: true }) }, ['next', 'prev']),
      hasNext: boolean(),
    },
    ['count', 'cursors', 'hasNext'],
  ),
  ContactResponse: object({ contact: ref('Contact') }, ['contact']),
  GetContactResponse: object({ contact: ref('Contact'), responseType: enumOf(['REGULAR', 'MERGED'], 'MERGED: the id was merged away; the answer is the contact it was merged into') }, ['contact', 'responseType']),
  ContactsPage: object({ contacts: array(ref('Contact')), pagingMetadata: { oneOf: [ref('PagingMetadata'), ref('CursorPagingMetadata')] } }, ['contacts', 'pagingMetadata']),
  Facet: object(
    {
      facetType: enumOf(['ALL_CONTACTS', 'NOT_LABELED', 'LABEL', 'SUBSCRIPTION_STATUS', 'MEMBERSHIP_STATUS']),
      namespace: string(),
      namespaceDisplayName: string(),
      facetKey: string(),
      facetDisplayName: string(),
      count: integer(),
      queryFilter: map(true, 'The Query Contacts filter that selects these contacts'),
    },
    ['facetType', 'count', 'queryFilter'],
  ),
  FacetsPage: object({ facets: array(ref('Facet')), pagingMetadata: ref('PagingMetadata') }, ['facets', 'pagingMetadata']),
  HistoryEntry: object(
    {
      revision: integer('The contact revision this event made'),
      eventId: uuid(),
      type: string('The stored event type', { example: 'ContactUpdated' }),
      occurredAt: dateTime(),
      actor: object({ type: string(undefined, { example: 'API_KEY' }), id: string() }, ['type', 'id']),
      correlationId: string(),
      changedFields: array(string(), 'Paths of info that the event changed'),
      data: anyValue('The stored event data'),
    },
    ['revision', 'eventId', 'type', 'occurredAt', 'changedFields', 'data'],
  ),
  ContactHistory: object({ events: array(ref('HistoryEntry')), pagingMetadata: ref('PagingMetadata') }, ['events', 'pagingMetadata']),
  Empty: object({}, [], { description: 'An empty object' }),
} satisfies Record<string, Schema>;

const catalogSchemas = {
  Label: object(
    {
      key: { ...DEFINITION_KEY_SCHEMA, example: 'custom.vip' },
      namespace: string(undefined, { example: 'custom' }),
      namespaceDisplayName: string(undefined, { example: 'Custom' }),
      displayName: string(undefined, { example: 'VIP' }),
      labelType: enumOf(['SYSTEM', 'USER_DEFINED', 'WIX_APP_DEFINED']),
      createdDate: dateTime(),
      updatedDate: dateTime(),
    },
    ['key', 'namespace', 'namespaceDisplayName', 'displayName', 'labelType'],
  ),
  LabelResponse: object({ label: ref('Label') }, ['label']),
  FindOrCreateLabelResponse: object({ label: ref('Label'), newLabel: boolean('Whether this call created it') }, ['label', 'newLabel']),
  LabelsList: object({ labels: array(ref('Label')), metadata: ref('PagingMetadata') }, ['labels', 'metadata']),
  LabelsPage: object({ labels: array(ref('Label')), pagingMetadata: ref('PagingMetadata') }, ['labels', 'pagingMetadata']),
  ExtendedField: object(
    {
      key: { ...DEFINITION_KEY_SCHEMA, example: 'custom.external-id' },
      namespace: string(undefined, { example: 'custom' }),
      displayName: string(undefined, { example: 'External id' }),
      dataType: enumOf(['TEXT', 'NUMBER', 'DATE', 'URL']),
      fieldType: enumOf(['SYSTEM', 'USER_DEFINED']),
      description: string(),
      createdDate: dateTime(),
      updatedDate: dateTime(),
    },
    ['key', 'namespace', 'displayName', 'dataType', 'fieldType'],
  ),
  ExtendedFieldResponse: object({ field: ref('ExtendedField') }, ['field']),
  FindOrCreateExtendedFieldResponse: object({ field: ref('ExtendedField'), newField: boolean('Whether this call created it') }, ['field', 'newField']),
  ExtendedFieldsList: object({ fields: array(ref('ExtendedField')), metadata: ref('PagingMetadata') }, ['fields', 'metadata']),
  ExtendedFieldsPage: object({ fields: array(ref('ExtendedField')), pagingMetadata: ref('PagingMetadata') }, ['fields', 'pagingMetadata']),
} satisfies Record<string, Schema>;

const bulkJobSchemas = {
  BulkJobStarted: object({ jobId: uuid('Follow it with Get Bulk Job') }, ['jobId']),
  BulkJob: object(
    {
      id: uuid(),
      type: enumOf(['DELETE', 'UPDATE', 'ADD_LABELS', 'REMOVE_LABELS', 'ADD_REMOVE_LABELS']),
      status: enumOf(['NEW', 'RUNNING', 'COMPLETED']),
      createdDate: dateTime(),
      startedDate: dateTime(),
      finishedDate: dateTime(),
      totalItems: integer(),
      successTotal: integer(),
      failedTotal: integer(),
      errors: array(object({ contactId: uuid(), code: string(), description: string(), data: map(true) }, ['contactId', 'code', 'description'])),
    },
    ['id', 'type', 'status', 'createdDate', 'totalItems', 'successTotal', 'failedTotal', 'errors'],
  ),
  BulkJobResponse: object({ job: ref('BulkJob') }, ['job']),
  BulkJobsList: object({ jobs: array(ref('BulkJob')) }, ['jobs']),
} satisfies Record<string, Schema>;

const importSchemas = {
  ContactImport: object(
    {
      id: uuid(),
      status: enumOf(['UPLOADING', 'QUEUED', 'RUNNING', 'COMPLETED', 'FAILED']),
      dryRun: boolean(),
      onDuplicate: enumOf(['SKIP', 'UPDATE', 'CREATE']),
      format: enumOf(['CSV', 'JSONL']),
      fileName: string(),
      createdDate: dateTime(),
      startedDate: dateTime(),
      finishedDate: dateTime(),
      totalRows: integer(),
      processedRows: integer(),
      created: integer(),
      updated: integer(),
      skipped: integer(),
      failed: integer(),
      mapping: map(string()),
      failure: object({ code: string(), description: string() }, ['code', 'description']),
    },
    ['id', 'status', 'dryRun', 'onDuplicate', 'format', 'createdDate', 'processedRows', 'created', 'updated', 'skipped', 'failed', 'mapping'],
  ),
  ImportResponse: object({ import: ref('ContactImport') }, ['import']),
  ContactExport: object(
    { id: uuid(), status: enumOf(['READY']), format: enumOf(['CSV', 'JSONL']), totalContacts: integer(), createdDate: dateTime() },
    ['id', 'status', 'format', 'totalContacts', 'createdDate'],
  ),
  ExportResponse: object({ export: ref('ContactExport') }, ['export']),
} satisfies Record<string, Schema>;

const emailSubscriptionSchemas = {
  EmailSubscription: object(
    {
      id: uuid(),
      email: string('As first given: compared case-insensitively', { example: 'ada@example.com' }),
      subscriptionStatus: enumOf(SUBSCRIPTION_STATUSES),
      deliverabilityStatus: enumOf(DELIVERABILITY_STATUSES),
      createdDate: dateTime(),
      updatedDate: dateTime(),
    },
    ['id', 'email', 'subscriptionStatus', 'deliverabilityStatus', 'createdDate', 'updatedDate'],
  ),
  UpsertEmailSubscriptionResponse: object({ subscription: ref('EmailSubscription') }, ['subscription']),
  GetEmailSubscriptionResponse: object({ emailSubscription: ref('EmailSubscription') }, ['emailSubscription']),
  EmailSubscriptionsPage: object({ subscriptions: array(ref('EmailSubscription')), metadata: ref('PagingMetadata') }, ['subscriptions', 'metadata']),
  BulkUpsertEmailSubscriptionsResponse: object(
    {
      results: array(
        object(
          { originalIndex: integer(), emailSubscription: ref('EmailSubscription'), error: object({ errorCode: string(), message: string() }, ['errorCode', 'message']) },
          ['originalIndex'],
        ),
      ),
      metadata: object({ totalSuccess: integer(), totalFailure: integer() }, ['totalSuccess', 'totalFailure']),
    },
    ['results', 'metadata'],
  ),
  UnsubscribeLinkResponse: object({ link: string('A signed link the recipient can open to unsubscribe', { format: 'uri' }) }, ['link']),
} satisfies Record<string, Schema>;

const webhookSchemas = {
  WebhookSubscription: object(
    {
      id: uuid(),
      url: string('http(s), as given', { example: 'https://crm.example.com/hooks/contacts' }),
      eventTypes: array(enumOf(PUBLIC_EVENT_TYPES)),
      format: enumOf(['WIX_JWT', 'STANDARD_WEBHOOKS']),
      excludeOwnChanges: boolean('Skip events caused by the API key that created the subscription'),
      status: enumOf(['ACTIVE', 'PAUSED']),
      createdDate: dateTime(),
      updatedDate: dateTime(),
      secret: string('STANDARD_WEBHOOKS only, and only in the answer to Create: the signing secret (whsec_...)'),
    },
    ['id', 'url', 'eventTypes', 'format', 'excludeOwnChanges', 'status', 'createdDate', 'updatedDate'],
  ),
  WebhookSubscriptionResponse: object({ subscription: ref('WebhookSubscription') }, ['subscription']),
  WebhookSubscriptionsList: object({ subscriptions: array(ref('WebhookSubscription')) }, ['subscriptions']),
  Delivery: object(
    {
      id: uuid(),
      subscriptionId: uuid(),
      eventId: uuid(),
      eventType: enumOf(PUBLIC_EVENT_TYPES),
      entityId: string(),
      status: enumOf(['PENDING', 'DELIVERED', 'FAILED']),
      attempts: integer(),
      lastStatusCode: integer(),
      lastError: string(),
      lastAttemptDate: dateTime(),
      nextAttemptDate: dateTime(),
      deliveredDate: dateTime(),
      replayId: uuid(),
      createdDate: dateTime(),
      updatedDate: dateTime(),
    },
    ['id', 'subscriptionId', 'eventId', 'eventType', 'entityId', 'status', 'attempts', 'createdDate', 'updatedDate'],
  ),
  DeliveriesPage: object({ deliveries: array(ref('Delivery')), pagingMetadata: ref('PagingMetadata') }, ['deliveries', 'pagingMetadata']),
  DeliveryResponse: object({ delivery: ref('Delivery') }, ['delivery']),
  ReplayStarted: object({ replayId: uuid(), fromDate: dateTime() }, ['replayId', 'fromDate']),
  PublicKey: object({ publicKey: string('PEM, SPKI'), keyId: string('The `kid` of the signed events') }, ['publicKey', 'keyId']),
  PublicEvent: object(
    {
      id: uuid('Stable across retries, replays and the feed'),
      eventType: enumOf(PUBLIC_EVENT_TYPES),
      instanceId: string('The site id'),
      entityFqdn: string(undefined, { example: 'wix.contacts.v4.contact' }),
      slug: string(undefined, { example: 'created' }),
      entityId: string(),
      eventTime: dateTime(),
      triggeredByAnonymizeRequest: boolean(),
      originatedFrom: string(),
      entityEventSequence: integer('Strictly increasing per entity'),
      createdEvent: object({ entity: anyValue() }, ['entity']),
      updatedEvent: object({ currentEntity: anyValue() }, ['currentEntity']),
      deletedEvent: object({ deletedEntity: anyValue() }),
      actionEvent: object({ body: anyValue() }, ['body']),
      identity: object({ identityType: enumOf(['APP', 'ANONYMOUS_VISITOR', 'UNKNOWN']), appId: string() }, ['identityType']),
      redacted: boolean('Set on an event about a contact erased since (docs/privacy.md): its body is gone, its id, type, entity and time are kept'),
    },
    ['id', 'eventType', 'instanceId', 'entityFqdn', 'slug', 'entityId', 'eventTime', 'triggeredByAnonymizeRequest', 'entityEventSequence', 'identity'],
  ),
  EventsPage: object({ events: array(ref('PublicEvent')), nextCursor: string('Pass it back as `cursor`'), hasMore: boolean() }, ['events', 'nextCursor', 'hasMore']),
} satisfies Record<string, Schema>;

const operationSchemas = {
  HealthReport: object(
    {
      status: enumOf(['ok', 'unavailable', 'draining']),
      services: array(object({ service: string(), ready: boolean(), parts: map(map(true), 'Each store, projection and worker of the service: { ready, ... }') }, ['service', 'ready'])),
    },
    ['status'],
  ),
  ErrorEnvelope: object(
    {
      message: string(undefined, { example: 'info.emails.items[0].email: must be a valid email address' }),
      details: object({
        applicationError: object({ code: string(undefined, { example: 'DUPLICATE_CONTACT_EXISTS' }), description: string(), data: map(true) }, ['code', 'description', 'data']),
        validationError: object(
          { fieldViolations: array(object({ field: string(), description: string(), violatedRule: string(undefined, { example: 'FORMAT' }), data: map(true) }, ['field', 'description', 'violatedRule'])) },
          ['fieldViolations'],
        ),
      }),
      requestId: string('Also in the x-request-id header'),
    },
    ['message', 'details', 'requestId'],
  ),
} satisfies Record<string, Schema>;

/**
 * What a request may send as contact info: the shapes of ContactInfo, open (the server also
 * takes the SDK's spellings, such as `addressLine1`, and ignores derived fields) and each field
 * nullable (in an update, `null` clears it).
 */
function inputsOf<Names extends string>(schemas: Record<Names, Schema>): Record<`${Names}Input`, Schema> {
  const rename = (schema: unknown): unknown => JSON.parse(JSON.stringify(schema).replace(/"#\/components\/schemas\/(\w+)"/g, (_, name: string) => `"#/components/schemas/${name}Input"`));
  const open = (schema: SchemaObject): SchemaObject => {
    const { additionalProperties, properties, ...rest } = schema;
    // Closed objects open up; a map keeps the schema of its values.
    if (additionalProperties !== false && additionalProperties !== undefined) return { ...rest, additionalProperties };
    if (!properties) return rest;
    const nullable = Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, '$ref' in value ? { allOf: [value], nullable: true } : { ...open(value), nullable: true }]));
    return { ...rest, properties: nullable };
  };
  return Object.fromEntries(Object.entries<Schema>(schemas).map(([name, schema]) => [`${name}Input`, open(rename(schema) as SchemaObject)])) as Record<`${Names}Input`, Schema>;
}

const requestSchemas = {
  ...inputsOf(contactInfoSchemas),
  [WIRE_SCHEMAS.emailSubscriptionInput]: object(
    {
      email: string(undefined, { example: 'ada@example.com' }),
      subscriptionStatus: enumOf(SUBSCRIPTION_STATUSES),
      deliverabilityStatus: enumOf(DELIVERABILITY_STATUSES),
    },
    ['email'],
    { example: { email: 'ada@example.com', subscriptionStatus: 'UNSUBSCRIBED', deliverabilityStatus: 'VALID' } },
  ),
} satisfies Record<string, Schema>;

export const COMPONENT_SCHEMAS = {
  ...contactInfoSchemas,
  ...contactSchemas,
  ...catalogSchemas,
  ...bulkJobSchemas,
  ...importSchemas,
  ...emailSubscriptionSchemas,
  ...webhookSchemas,
  ...operationSchemas,
  ...requestSchemas,
} satisfies Record<string, Schema>;

export type ComponentName = keyof typeof COMPONENT_SCHEMAS;
