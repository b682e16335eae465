import { serviceEnv } from '@cp/runtime';

export const extendedFieldsServiceEnv = serviceEnv({
  app: 'extended-fields-service',
  about: 'the extended-fields service of the distributed platform (node dist/apps/extended-fields-service/src/main.js).',
  variables: {},
  settings: () => undefined,
});
