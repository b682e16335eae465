import { Controller, Inject } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { ContactsApplication, MergePayload } from '@cp/contacts-application';
import { BulkJobSpec } from '@cp/contacts-domain';
import {
  AddImportRowsPayload,
  BulkUpsertEmailSubscriptionsPayload,
  CreateExportPayload,
  CreateImportPayload,
  ExportPagePayload,
  GetExportPayload,
  FailImportUploadPayload,
  FinishImportUploadPayload,
  GetImportPayload,
  ImportErrorsPayload,
  ContactsPatterns,
  CreateContactPayload,
  DeleteContactPayload,
  Envelope,
  GetContactPayload,
  HealthReport,
  LabelContactPayload,
  ListContactsPayload,
  PublishedPublicEvent,
  QueryContactsPayload,
  QueryEmailSubscriptionsPayload,
  Topics,
  UpdateContactPayload,
  UpsertEmailSubscriptionPayload,
} from '@cp/contracts';
import { EventRelay, healthReport, integrationEventOf } from '@cp/messaging';
import { EventStore } from '@cp/event-store';
import { ReadStore } from '@cp/read-store';
import { CONTACTS_APPLICATION, CONTACTS_PORTS } from './tokens';

/** Maps message patterns to the contacts application; nothing else lives here. */
@Controller()
export class ContactsMessageController {
  constructor(
    @Inject(CONTACTS_APPLICATION) private readonly app: ContactsApplication,
    @Inject(CONTACTS_PORTS) private readonly ports: { eventStore: EventStore; readStore: ReadStore },
    private readonly publicRelay: EventRelay<PublishedPublicEvent>,
  ) {}

  @MessagePattern(ContactsPatterns.create)
  async create(@Payload() message: Envelope<CreateContactPayload>) {
    return { contact: await this.app.commands.create(message.context, message.payload) };
  }

  @MessagePattern(ContactsPatterns.update)
  async update(@Payload() message: Envelope<UpdateContactPayload>) {
    return { contact: await this.app.commands.update(message.context, message.payload) };
  }

  @MessagePattern(ContactsPatterns.delete)
  async delete(@Payload() message: Envelope<DeleteContactPayload>) {
    await this.app.commands.delete(message.context, message.payload);
    return {};
  }

  @MessagePattern(ContactsPatterns.erase)
  async erase(@Payload() message: Envelope<DeleteContactPayload>) {
    await this.app.commands.erase(message.context, message.payload.contactId);
    return {};
  }

  @MessagePattern(ContactsPatterns.get)
  get(@Payload() message: Envelope<GetContactPayload>) {
    return this.app.queries.get(message.context, message.payload);
  }

  @MessagePattern(ContactsPatterns.list)
  list(@Payload() message: Envelope<ListContactsPayload>) {
    return this.app.queries.list(message.context, message.payload);
  }

  @MessagePattern(ContactsPatterns.query)
  query(@Payload() message: Envelope<QueryContactsPayload>) {
    return this.app.queries.query(message.context, message.payload);
  }

  @MessagePattern(ContactsPatterns.merge)
  async merge(@Payload() message: Envelope<MergePayload>) {
    return { contact: await this.app.commands.merge(message.context, message.payload) };
  }

  @MessagePattern(ContactsPatterns.previewMerge)
  async previewMerge(@Payload() message: Envelope<MergePayload>) {
    return { contact: await this.app.commands.previewMerge(message.context, message.payload) };
  }

  @MessagePattern(ContactsPatterns.label)
  async label(@Payload() message: Envelope<LabelContactPayload>) {
    return { contact: await this.app.commands.label(message.context, message.payload) };
  }

  @MessagePattern(ContactsPatterns.unlabel)
  async unlabel(@Payload() message: Envelope<LabelContactPayload>) {
    return { contact: await this.app.commands.unlabel(message.context, message.payload) };
  }

  @MessagePattern(ContactsPatterns.history)
  history(@Payload() message: Envelope<{ contactId: string; paging?: { limit?: string; offset?: string } }>) {
    return this.app.history.history(message.context, message.payload);
  }

  @MessagePattern(ContactsPatterns.asOf)
  asOf(@Payload() message: Envelope<{ contactId: string; asOf: string; fieldsets?: string[]; fields?: string[] }>) {
    return this.app.history.asOf(message.context, message.payload);
  }

  @MessagePattern(ContactsPatterns.facets)
  facets(@Payload() message: Envelope<{ filter?: Record<string, unknown>; paging?: { limit?: number; offset?: number } }>) {
    return this.app.facets.list(message.context, message.payload);
  }

  @MessagePattern(ContactsPatterns.bulkCreate)
  bulkCreate(@Payload() message: Envelope<BulkJobSpec>) {
    return this.app.bulkJobs.create(message.context, message.payload);
  }

  @MessagePattern(ContactsPatterns.bulkGet)
  bulkGet(@Payload() message: Envelope<{ jobId: string }>) {
    return this.app.bulkJobs.get(message.context, message.payload.jobId);
  }

  @MessagePattern(ContactsPatterns.bulkList)
  bulkList(@Payload() message: Envelope<{ paging?: { limit?: string; offset?: string } }>) {
    return this.app.bulkJobs.list(message.context, message.payload.paging);
  }

  @MessagePattern(ContactsPatterns.getEmailSubscription)
  getEmailSubscription(@Payload() message: Envelope<{ id: string }>) {
    return this.app.emailSubscriptions.get(message.context, message.payload);
  }

  @MessagePattern(ContactsPatterns.queryEmailSubscriptions)
  queryEmailSubscriptions(@Payload() message: Envelope<QueryEmailSubscriptionsPayload>) {
    return this.app.emailSubscriptions.query(message.context, message.payload);
  }

  @MessagePattern(ContactsPatterns.upsertEmailSubscription)
  upsertEmailSubscription(@Payload() message: Envelope<UpsertEmailSubscriptionPayload>) {
    return this.app.emailSubscriptions.upsert(message.context, message.payload);
  }

  @MessagePattern(ContactsPatterns.bulkUpsertEmailSubscriptions)
  bulkUpsertEmailSubscriptions(@Payload() message: Envelope<BulkUpsertEmailSubscriptionsPayload>) {
    return this.app.emailSubscriptions.bulkUpsert(message.context, message.payload);
  }

  @EventPattern(Topics.labels)
  onLabelEvent(@Payload() message: unknown) {
    return this.app.definitionEvents.onLabelEvent(integrationEventOf(message));
  }

  @EventPattern(Topics.extendedFields)
  onFieldEvent(@Payload() message: unknown) {
    return this.app.definitionEvents.onFieldEvent(integrationEventOf(message));
  }

  @MessagePattern(ContactsPatterns.createImport)
  createImport(@Payload() message: Envelope<CreateImportPayload>) {
    return this.app.imports.create(message.context, message.payload);
  }

  @MessagePattern(ContactsPatterns.addImportRows)
  addImportRows(@Payload() message: Envelope<AddImportRowsPayload>) {
    return this.app.imports.addRows(message.context, message.payload);
  }

  @MessagePattern(ContactsPatterns.finishImportUpload)
  finishImportUpload(@Payload() message: Envelope<FinishImportUploadPayload>) {
    return this.app.imports.finishUpload(message.context, message.payload);
  }

  @MessagePattern(ContactsPatterns.failImportUpload)
  async failImportUpload(@Payload() message: Envelope<FailImportUploadPayload>) {
    await this.app.imports.failUpload(message.context, message.payload);
    return {};
  }

  @MessagePattern(ContactsPatterns.getImport)
  getImport(@Payload() message: Envelope<GetImportPayload>) {
    return this.app.imports.get(message.context, message.payload.importId);
  }

  @MessagePattern(ContactsPatterns.importErrors)
  importErrors(@Payload() message: Envelope<ImportErrorsPayload>) {
    return this.app.imports.errors(message.context, message.payload);
  }

  @MessagePattern(ContactsPatterns.createExport)
  createExport(@Payload() message: Envelope<CreateExportPayload>) {
    return this.app.exports.create(message.context, message.payload);
  }

  @MessagePattern(ContactsPatterns.getExport)
  getExport(@Payload() message: Envelope<GetExportPayload>) {
    return this.app.exports.get(message.context, message.payload.exportId);
  }

  @MessagePattern(ContactsPatterns.exportPage)
  exportPage(@Payload() message: Envelope<ExportPagePayload>) {
    return this.app.exports.page(message.context, message.payload);
  }

  @MessagePattern(ContactsPatterns.health)
  health(): Promise<HealthReport> {
    return healthReport('contacts', {
      eventStore: () => this.ports.eventStore.ping(),
      readStore: () => this.ports.readStore.ping(),
      projection: () => this.app.projection.ready || `catching up (at position ${this.app.projection.processedPosition})`,
      bulkJobs: () => this.app.bulkJobs.projection.ready || 'catching up',
      imports: () => this.app.imports.projection.ready || 'catching up',
      mergeCompleter: () => this.app.mergeCompleter.projection.ready || 'catching up',
      publicRelay: () => this.publicRelay.ready || 'catching up',
    });
  }
}
