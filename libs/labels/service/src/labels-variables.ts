import { positiveInt } from '@cp/config';
import { DEFAULT_LABEL_QUOTA } from './labels-service.module';

export const labelQuotaVariable = positiveInt(DEFAULT_LABEL_QUOTA, { description: 'custom labels a site may have; Find Or Create Label answers 428 past it.' });
