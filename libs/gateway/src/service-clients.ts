import { ServiceClient } from '@cp/messaging';

export const GATEWAY_SERVICES = Symbol('GATEWAY_SERVICES');
export const CONTACTS_CLIENT = Symbol('CONTACTS_CLIENT');
export const LABELS_CLIENT = Symbol('LABELS_CLIENT');
export const EXTENDED_FIELDS_CLIENT = Symbol('EXTENDED_FIELDS_CLIENT');
export const WEBHOOKS_CLIENT = Symbol('WEBHOOKS_CLIENT');

/** The services the gateway talks to, each behind a request/reply client. */
export interface GatewayServices {
  contacts: ServiceClient;
  labels: ServiceClient;
  extendedFields: ServiceClient;
  /** Its deadline must outlast a long-polling feed read (FEED_WAIT_LIMIT_MS). */
  webhooks: ServiceClient;
}
