import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CatalogServiceParts } from '@cp/catalog-service';
import { CatalogListPayload, CatalogQueryPayload, Envelope, FindOrCreatePayload, HealthReport, KeyPayload, LabelsPatterns, RenamePayload } from '@cp/contracts';
import { decideLabels, foundOrCreatedLabel, LabelCommand, LabelDefinition } from '@cp/labels-domain';
import type { LabelsServiceOptions } from './labels-service.module';
import { LABELS_CATALOG, LABELS_OPTIONS } from './tokens';

/** Message patterns of the labels service; answers carry the API's response shapes. */
@Controller()
export class LabelsMessageController {
  constructor(
    @Inject(LABELS_CATALOG) private readonly service: CatalogServiceParts<LabelDefinition>,
    @Inject(LABELS_OPTIONS) private readonly options: LabelsServiceOptions,
  ) {}

  @MessagePattern(LabelsPatterns.findOrCreate)
  async findOrCreate(@Payload() { context, payload }: Envelope<FindOrCreatePayload>) {
    const command: LabelCommand = { type: 'FindOrCreateLabel', data: { displayName: payload.displayName, quota: this.options.labelQuota } };
    const { result: events, state } = await this.service.catalog.decide(context, (catalog) => {
      const decided = decideLabels(command, catalog);
      return { events: decided, result: decided };
    });
    return foundOrCreatedLabel(state, events, payload.displayName);
  }

  @MessagePattern(LabelsPatterns.get)
  async get(@Payload() { context, payload }: Envelope<KeyPayload>) {
    return { label: await this.service.catalog.get(context, payload.key) };
  }

  @MessagePattern(LabelsPatterns.rename)
  async rename(@Payload() { context, payload }: Envelope<RenamePayload>) {
    const { state } = await this.service.catalog.decide(context, (catalog) => ({
      events: decideLabels({ type: 'RenameLabel', data: { key: payload.key, displayName: payload.displayName } }, catalog),
      result: undefined,
    }));
    return { label: state.entries.get(payload.key) };
  }

  @MessagePattern(LabelsPatterns.delete)
  async delete(@Payload() { context, payload }: Envelope<KeyPayload>) {
    await this.service.catalog.decide(context, (catalog) => ({ events: decideLabels({ type: 'DeleteLabel', data: { key: payload.key } }, catalog), result: undefined }));
    return {};
  }

  @MessagePattern(LabelsPatterns.list)
  async list(@Payload() { context, payload }: Envelope<CatalogListPayload>) {
    const page = await this.service.catalog.list(context, payload);
    return { labels: page.items, metadata: page.paging };
  }

  @MessagePattern(LabelsPatterns.query)
  async query(@Payload() { context, payload }: Envelope<CatalogQueryPayload>) {
    const page = await this.service.catalog.query(context, payload);
    return { labels: page.items, pagingMetadata: page.paging };
  }

  @MessagePattern(LabelsPatterns.health)
  health(): Promise<HealthReport> {
    return this.service.health();
  }
}
