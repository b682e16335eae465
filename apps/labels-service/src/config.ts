import { labelQuotaVariable } from '@cp/labels-service';
import { serviceEnv } from '@cp/runtime';

export const labelsServiceEnv = serviceEnv({
  app: 'labels-service',
  about: 'the labels service of the distributed platform (node dist/apps/labels-service/src/main.js).',
  variables: { LABEL_QUOTA: labelQuotaVariable },
  settings: (values) => ({ labelQuota: values.LABEL_QUOTA }),
});
