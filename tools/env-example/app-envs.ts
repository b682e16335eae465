/* eslint-disable @nx/enforce-module-boundaries -- this tool reads every app's configuration schema, which no library may import: it is the one place they all meet. */
import { renderEnvExample } from '@cp/config';
import { contactsServiceEnv } from '../../apps/contacts-service/src/config';
import { extendedFieldsServiceEnv } from '../../apps/extended-fields-service/src/config';
import { gatewayEnv } from '../../apps/gateway/src/config';
import { labelsServiceEnv } from '../../apps/labels-service/src/config';
import { standaloneEnv } from '../../apps/standalone/src/config';
import { webhooksServiceEnv } from '../../apps/webhooks-service/src/config';

/** Every app's configuration, in the order .env.example lists them. */
export const APP_ENVS = [standaloneEnv, gatewayEnv, contactsServiceEnv, labelsServiceEnv, extendedFieldsServiceEnv, webhooksServiceEnv];

/** What .env.example must hold: generated from the apps' schemas, never edited by hand. */
export function envExample(): string {
  return renderEnvExample(APP_ENVS, [
    'Every variable of every app, generated from their configuration schemas (libs/config, apps/*/src/config.ts):',
    'do not edit; after changing a schema run `npm run env-example`',
    '(tools/env-example/env-example.unit.spec.ts fails while this file is out of date).',
    '',
    'Each app checks its variables at start and stops with every problem listed at once, one line each,',
    'naming the variable (exit code 2). Unset and empty are the same: the default.',
  ]);
}
