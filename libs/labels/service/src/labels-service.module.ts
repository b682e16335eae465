import { DynamicModule, Module } from '@nestjs/common';
import { CatalogServiceOptions, catalogServiceProviders } from '@cp/catalog-service';
import { Topics } from '@cp/contracts';
import { LabelsMessageController } from './labels.message-controller';
import { LABELS_SPEC } from './labels-spec';
import { LABELS_CATALOG, LABELS_OPTIONS } from './tokens';

export interface LabelsServiceOptions extends CatalogServiceOptions {
  /** Custom labels a site may have; past it Find Or Create answers 428 LABELS_QUOTA_REACHED. */
  labelQuota: number;
}

export const DEFAULT_LABEL_QUOTA = 1000;

/** The labels service: owns each site's label catalog, its read model and its integration events. */
@Module({})
export class LabelsServiceModule {
  static register(options: LabelsServiceOptions): DynamicModule {
    return {
      module: LabelsServiceModule,
      controllers: [LabelsMessageController],
      providers: [{ provide: LABELS_OPTIONS, useValue: options }, ...catalogServiceProviders(LABELS_SPEC, Topics.labels, options, LABELS_CATALOG)],
    };
  }
}
