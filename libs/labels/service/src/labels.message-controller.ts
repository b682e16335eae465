import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CatalogListPayload, CatalogQueryPayload, Envelope, FindOrCreatePayload, HealthReport, KeyPayload, LabelsPatterns, RenamePayload } from '@cp/contracts';
import { LabelsApplication } from './labels-application';
import { LABELS_APPLICATION } from './tokens';

/** Message patterns of the labels service; answers carry the API's response shapes. */
@Controller()
export class LabelsMessageController {
  constructor(@Inject(LABELS_APPLICATION) private readonly labels: LabelsApplication) {}

  @MessagePattern(LabelsPatterns.findOrCreate)
  async findOrCreate(@Payload() { context, payload }: Envelope<FindOrCreatePayload>) {
    return this.labels.commands.findOrCreate(context, payload.displayName);
  }

  @MessagePattern(LabelsPatterns.get)
  async get(@Payload() { context, payload }: Envelope<KeyPayload>) {
    return { label: await this.labels.queries.get(context, payload.key) };
  }

  @MessagePattern(LabelsPatterns.rename)
  async rename(@Payload() { context, payload }: Envelope<RenamePayload>) {
    return this.labels.commands.rename(context, payload.key, payload.displayName);
  }

  @MessagePattern(LabelsPatterns.delete)
  async delete(@Payload() { context, payload }: Envelope<KeyPayload>) {
    await this.labels.commands.delete(context, payload.key);
    return {};
  }

  @MessagePattern(LabelsPatterns.list)
  async list(@Payload() { context, payload }: Envelope<CatalogListPayload>) {
    const page = await this.labels.queries.list(context, payload);
    return { labels: page.items, metadata: page.paging };
  }

  @MessagePattern(LabelsPatterns.query)
  async query(@Payload() { context, payload }: Envelope<CatalogQueryPayload>) {
    const page = await this.labels.queries.query(context, payload);
    return { labels: page.items, pagingMetadata: page.paging };
  }

  @MessagePattern(LabelsPatterns.health)
  health(): Promise<HealthReport> {
    return this.labels.health();
  }
}
