/** Who is asking, for which site: travels with every message from the gateway to a service. */
export interface RequestContext {
  siteId: string;
  /** VISITOR: someone with no key, such as a recipient following an unsubscribe link. */
  actor: { type: 'API_KEY' | 'SYSTEM' | 'APP' | 'VISITOR'; id: string };
  correlationId: string;
  /** What the caller's key allows (e.g. MEMBERS.MODIFY), for rules that depend on it. */
  permissions?: string[];
}

export interface Envelope<Payload> {
  context: RequestContext;
  payload: Payload;
}
