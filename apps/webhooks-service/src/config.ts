import { readFileSync } from 'node:fs';
import { EnvRule, optionalText } from '@cp/config';
import { dataKeySettings, dataKeyVariables, serviceEnv, ServiceVariables } from '@cp/runtime';
import { loadSigningKeys, SigningKeys, webhooksSettings, webhooksVariables } from '@cp/webhooks-service';

const variables = {
  ...webhooksVariables,
  ...dataKeyVariables,
  WEBHOOK_PRIVATE_KEY: optionalText({
    description: 'the PEM RSA key (2048 bits or more) every webhooks replica signs with; none is generated in distributed mode, since replicas must share it.',
    required: 'unless WEBHOOK_SIGNING_KEY_FILE is set',
  }),
  WEBHOOK_SIGNING_KEY_FILE: optionalText({ description: 'a file holding that key instead of WEBHOOK_PRIVATE_KEY (a Docker or Kubernetes secret).' }),
};

type Variables = ServiceVariables & typeof variables;

class SigningKeyProblem extends Error {
  constructor(
    readonly variable: 'WEBHOOK_PRIVATE_KEY' | 'WEBHOOK_SIGNING_KEY_FILE',
    message: string,
  ) {
    super(message);
  }
}

/** Replicas must sign with one key, so none is generated here: it comes from the variable or a file (a Docker secret). */
function sharedSigningKeys(values: { WEBHOOK_PRIVATE_KEY?: string; WEBHOOK_SIGNING_KEY_FILE?: string }): SigningKeys {
  const { WEBHOOK_PRIVATE_KEY: pem, WEBHOOK_SIGNING_KEY_FILE: file } = values;
  if (pem && file) throw new SigningKeyProblem('WEBHOOK_PRIVATE_KEY', 'WEBHOOK_PRIVATE_KEY and WEBHOOK_SIGNING_KEY_FILE are both set: set one of them');
  let key = pem;
  if (file) {
    try {
      key = readFileSync(file, 'utf8');
    } catch (error) {
      throw new SigningKeyProblem('WEBHOOK_SIGNING_KEY_FILE', `cannot read ${file}: ${(error as Error).message}`);
    }
  }
  if (!key) {
    throw new SigningKeyProblem(
      'WEBHOOK_PRIVATE_KEY',
      'WEBHOOK_PRIVATE_KEY (a PEM RSA private key) or WEBHOOK_SIGNING_KEY_FILE is required: every replica signs with the same key, e.g. openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048',
    );
  }
  try {
    return loadSigningKeys({ privateKeyPem: key });
  } catch (error) {
    throw new SigningKeyProblem(file ? 'WEBHOOK_SIGNING_KEY_FILE' : 'WEBHOOK_PRIVATE_KEY', (error as Error).message);
  }
}

const signingKeyLoads: EnvRule<Variables> = {
  uses: ['WEBHOOK_PRIVATE_KEY', 'WEBHOOK_SIGNING_KEY_FILE'],
  check(values, report) {
    try {
      sharedSigningKeys(values);
    } catch (error) {
      if (!(error instanceof SigningKeyProblem)) throw error;
      report(error.variable, error.message);
    }
  },
};

/**
 * The webhooks service's variables. Its replicas share their work through the event store
 * (EventStoreDB, or one SQLite file on one host), each named by INSTANCE_ID in delivery leases.
 */
export const webhooksServiceEnv = serviceEnv({
  app: 'webhooks-service',
  about: 'the webhooks service of the distributed platform (node dist/apps/webhooks-service/src/main.js).',
  variables,
  rules: [signingKeyLoads],
  settings: (values) => ({ config: webhooksSettings(values), signingKeys: sharedSigningKeys(values), dataKeys: dataKeySettings(values) }),
});
