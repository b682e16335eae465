import { EnvValues, intInRange, optionalHttpUrl, parsedBy } from '@cp/config';
import { errors, jwtVerify, SignJWT } from 'jose';

/** UNSUBSCRIBE_LINK_* settings. */
export interface UnsubscribeLinkConfig {
  /** HMAC key of the link tokens (at least 32 bytes); every gateway replica must have the same. */
  secret: Uint8Array;
  /** Where recipients reach the gateway, e.g. `https://contacts.example.com`; absent: the base URL of the request that generates the link. */
  publicUrl?: string;
  /** How long a link works (Wix does not document theirs; a campaign's mail is read for weeks). */
  ttlSeconds: number;
}

export const DEFAULT_UNSUBSCRIBE_LINK_TTL_SECONDS = 90 * 24 * 3600;

/** Where the unsubscribe page lives (GET: the page, POST: the unsubscribe itself, RFC 8058 one-click included). */
export const UNSUBSCRIBE_PATH = 'email-marketing/v1/unsubscribe';

const AUDIENCE = 'unsubscribe';

export interface UnsubscribeTarget {
  siteId: string;
  email: string;
}

/** Why a token is refused: shown to the recipient as a page, with a 4xx. */
export type TokenRefusal = 'EXPIRED' | 'INVALID';

/**
 * Signed, expiring unsubscribe tokens (HS256 JWT: site and address, nothing else), so the link
 * needs no state and a tampered one is refused. The page and the POST check the token again.
 */
export class UnsubscribeLinks {
  constructor(private readonly config: UnsubscribeLinkConfig) {}

  async link(target: UnsubscribeTarget, requestBaseUrl: string): Promise<string> {
    const token = await new SignJWT({ site: target.siteId, email: target.email })
      .setProtectedHeader({ alg: 'HS256' })
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${this.config.ttlSeconds}s`)
      .sign(this.config.secret);
    const base = (this.config.publicUrl ?? requestBaseUrl).replace(/\/+$/, '');
    return `${base}/${UNSUBSCRIBE_PATH}?token=${token}`;
  }

  /** The target of a valid token, or why it is refused. */
  async verify(token: unknown): Promise<UnsubscribeTarget | TokenRefusal> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 2048) return 'INVALID';
    try {
      const { payload } = await jwtVerify(token, this.config.secret, { audience: AUDIENCE, algorithms: ['HS256'] });
      if (typeof payload.site !== 'string' || typeof payload.email !== 'string') return 'INVALID';
      return { siteId: payload.site, email: payload.email };
    } catch (error) {
      return error instanceof errors.JWTExpired ? 'EXPIRED' : 'INVALID';
    }
  }
}

/**
 * UNSUBSCRIBE_LINK_SECRET (base64 or hex of at least 32 bytes), UNSUBSCRIBE_LINK_BASE_URL and
 * UNSUBSCRIBE_LINK_TTL_DAYS. Without a secret the settings have none: the standalone app then
 * generates one into DATA_DIR, the distributed gateway refuses to start.
 */
export const unsubscribeLinkVariables = {
  UNSUBSCRIBE_LINK_SECRET: parsedBy((raw) => (raw === undefined ? undefined : decodeSecret(raw)), {
    description: 'key the unsubscribe links are signed with: at least 32 random bytes, base64 or hex (openssl rand -base64 32); every gateway replica needs the same.',
    unset: 'the standalone app generates one into DATA_DIR/unsubscribe-link-secret; the gateway requires it',
  }),
  UNSUBSCRIBE_LINK_BASE_URL: optionalHttpUrl({
    description: 'where recipients reach the server, set it behind a proxy.',
    example: 'https://contacts.example.com',
    unset: "the scheme and host of the request that generates the link",
  }),
  UNSUBSCRIBE_LINK_TTL_DAYS: intInRange(1, 3650, { unit: 'days', description: 'how long an unsubscribe link works.', default: '90' }),
};

export function unsubscribeLinkSettings(values: EnvValues<typeof unsubscribeLinkVariables>): Omit<UnsubscribeLinkConfig, 'secret'> & { secret?: Uint8Array } {
  const days = values.UNSUBSCRIBE_LINK_TTL_DAYS;
  return {
    ...(values.UNSUBSCRIBE_LINK_SECRET && { secret: values.UNSUBSCRIBE_LINK_SECRET }),
    ...(values.UNSUBSCRIBE_LINK_BASE_URL && { publicUrl: values.UNSUBSCRIBE_LINK_BASE_URL }),
    ttlSeconds: days === undefined ? DEFAULT_UNSUBSCRIBE_LINK_TTL_SECONDS : days * 24 * 3600,
  };
}

function decodeSecret(text: string): Uint8Array {
  const bytes = /^[0-9a-f]+$/i.test(text) && text.length % 2 === 0 ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (bytes.length < 32) throw new Error('must be at least 32 random bytes, base64 or hex (e.g. `openssl rand -base64 32`)');
  return new Uint8Array(bytes);
}
