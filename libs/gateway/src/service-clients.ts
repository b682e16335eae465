import { ServiceClient } from '@cp/messaging';

export const CONTACTS_CLIENT = Symbol('CONTACTS_CLIENT');

/** The services the gateway talks to, each behind a request/reply client. */
export interface GatewayServices {
  contacts: ServiceClient;
}
