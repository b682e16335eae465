import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CatalogServiceParts } from '@cp/catalog-service';
import { CatalogListPayload, CatalogQueryPayload, Envelope, ExtendedFieldsPatterns, FindOrCreatePayload, HealthReport, KeyPayload, RenamePayload } from '@cp/contracts';
import { decideFields, ExtendedField, FieldCommand, FieldDefinition, foundOrCreatedField } from '@cp/extended-fields-domain';
import { fieldToApi } from './extended-fields-spec';
import { EXTENDED_FIELDS_CATALOG } from './tokens';

const toApi = (field: ExtendedField | undefined) => field && fieldToApi(field);

@Controller()
export class ExtendedFieldsMessageController {
  constructor(@Inject(EXTENDED_FIELDS_CATALOG) private readonly service: CatalogServiceParts<FieldDefinition>) {}

  @MessagePattern(ExtendedFieldsPatterns.findOrCreate)
  async findOrCreate(@Payload() { context, payload }: Envelope<FindOrCreatePayload>) {
    const command: FieldCommand = { type: 'FindOrCreateField', data: { displayName: payload.displayName, dataType: payload.dataType } };
    const { result: events, state } = await this.service.catalog.decide(context, (catalog) => {
      const decided = decideFields(command, catalog);
      return { events: decided, result: decided };
    });
    const { field, newField } = foundOrCreatedField(state, events, payload.displayName);
    return { field: toApi(field), newField };
  }

  @MessagePattern(ExtendedFieldsPatterns.get)
  async get(@Payload() { context, payload }: Envelope<KeyPayload>) {
    return { field: toApi(await this.service.catalog.get(context, payload.key)) };
  }

  /** Internal: the whole definition, `writable` included, for the contacts service's checks. */
  @MessagePattern(ExtendedFieldsPatterns.definition)
  async definition(@Payload() { context, payload }: Envelope<KeyPayload>) {
    return { field: await this.service.catalog.get(context, payload.key) };
  }

  @MessagePattern(ExtendedFieldsPatterns.rename)
  async rename(@Payload() { context, payload }: Envelope<RenamePayload>) {
    const { state } = await this.service.catalog.decide(context, (catalog) => ({
      events: decideFields({ type: 'RenameField', data: { key: payload.key, displayName: payload.displayName } }, catalog),
      result: undefined,
    }));
    return { field: toApi(state.entries.get(payload.key)) };
  }

  @MessagePattern(ExtendedFieldsPatterns.delete)
  async delete(@Payload() { context, payload }: Envelope<KeyPayload>) {
    await this.service.catalog.decide(context, (catalog) => ({ events: decideFields({ type: 'DeleteField', data: { key: payload.key } }, catalog), result: undefined }));
    return {};
  }

  @MessagePattern(ExtendedFieldsPatterns.list)
  async list(@Payload() { context, payload }: Envelope<CatalogListPayload>) {
    const page = await this.service.catalog.list(context, payload);
    return { fields: page.items.map(toApi), metadata: page.paging };
  }

  @MessagePattern(ExtendedFieldsPatterns.query)
  async query(@Payload() { context, payload }: Envelope<CatalogQueryPayload>) {
    const page = await this.service.catalog.query(context, payload);
    return { fields: page.items.map(toApi), pagingMetadata: page.paging };
  }

  @MessagePattern(ExtendedFieldsPatterns.health)
  health(): Promise<HealthReport> {
    return this.service.health();
  }
}
