import { DynamicModule, Module } from '@nestjs/common';
import { CatalogServiceOptions, catalogServiceProviders } from '@cp/catalog-service';
import { Topics } from '@cp/contracts';
import { ExtendedFieldsMessageController } from './extended-fields.message-controller';
import { EXTENDED_FIELDS_SPEC } from './extended-fields-spec';
import { EXTENDED_FIELDS_CATALOG } from './tokens';

/** The extended-fields service: owns each site's field definitions (values live on contacts). */
@Module({})
export class ExtendedFieldsServiceModule {
  static register(options: CatalogServiceOptions): DynamicModule {
    return {
      module: ExtendedFieldsServiceModule,
      controllers: [ExtendedFieldsMessageController],
      providers: catalogServiceProviders(EXTENDED_FIELDS_SPEC, Topics.extendedFields, options, EXTENDED_FIELDS_CATALOG),
    };
  }
}
