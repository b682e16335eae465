import { dataKeyVariables, serviceEnv } from '@cp/runtime';

export const contactsServiceEnv = serviceEnv({
  app: 'contacts-service',
  about: 'the contacts service of the distributed platform (node dist/apps/contacts-service/src/main.js).',
  variables: dataKeyVariables,
  settings: (values) => ({ dataKeyEncryptionKey: values.DATA_KEY_ENCRYPTION_KEY }),
});
