import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CatalogListPayload, CatalogQueryPayload, Envelope, ExtendedFieldsPatterns, FindOrCreatePayload, HealthReport, KeyPayload, RenamePayload } from '@cp/contracts';
import { ExtendedFieldsApplication } from './extended-fields-application';
import { fieldToApi } from './field-view';
import { ExtendedField } from '@cp/extended-fields-domain';
import { EXTENDED_FIELDS_APPLICATION } from './tokens';

const toApi = (field: ExtendedField | undefined) => field && fieldToApi(field);

/** Message patterns of the extended-fields service; answers carry the API's response shapes. */
@Controller()
export class ExtendedFieldsMessageController {
  constructor(@Inject(EXTENDED_FIELDS_APPLICATION) private readonly fields: ExtendedFieldsApplication) {}

  @MessagePattern(ExtendedFieldsPatterns.findOrCreate)
  async findOrCreate(@Payload() { context, payload }: Envelope<FindOrCreatePayload>) {
    const { field, newField } = await this.fields.commands.findOrCreate(context, payload.displayName, payload.dataType);
    return { field: toApi(field), newField };
  }

  @MessagePattern(ExtendedFieldsPatterns.get)
  async get(@Payload() { context, payload }: Envelope<KeyPayload>) {
    return { field: toApi(await this.fields.queries.get(context, payload.key)) };
  }

  /** Internal: the whole definition, `writable` included, for the contacts service's checks. */
  @MessagePattern(ExtendedFieldsPatterns.definition)
  async definition(@Payload() { context, payload }: Envelope<KeyPayload>) {
    return { field: await this.fields.queries.get(context, payload.key) };
  }

  @MessagePattern(ExtendedFieldsPatterns.rename)
  async rename(@Payload() { context, payload }: Envelope<RenamePayload>) {
    const { field } = await this.fields.commands.rename(context, payload.key, payload.displayName);
    return { field: toApi(field) };
  }

  @MessagePattern(ExtendedFieldsPatterns.delete)
  async delete(@Payload() { context, payload }: Envelope<KeyPayload>) {
    await this.fields.commands.delete(context, payload.key);
    return {};
  }

  @MessagePattern(ExtendedFieldsPatterns.list)
  async list(@Payload() { context, payload }: Envelope<CatalogListPayload>) {
    const page = await this.fields.queries.list(context, payload);
    return { fields: page.items.map(toApi), metadata: page.paging };
  }

  @MessagePattern(ExtendedFieldsPatterns.query)
  async query(@Payload() { context, payload }: Envelope<CatalogQueryPayload>) {
    const page = await this.fields.queries.query(context, payload);
    return { fields: page.items.map(toApi), pagingMetadata: page.paging };
  }

  @MessagePattern(ExtendedFieldsPatterns.health)
  health(): Promise<HealthReport> {
    return this.fields.health();
  }
}
