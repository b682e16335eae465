import { dataKeySettings, dataKeyVariables, serviceEnv } from '@cp/runtime';

export const contactsServiceEnv = serviceEnv({
  app: 'contacts-service',
  about: 'the contacts service of the distributed platform (node dist/apps/contacts-service/src/main.js).',
  variables: dataKeyVariables,
  settings: (values) => ({ dataKeys: dataKeySettings(values) }),
});
