import { createHash } from 'node:crypto';
import { isSiteId, SITE_ID_RULE } from '@cp/contracts';
import { SCOPES } from './permissions';

/** An API key grants a set of sites and scopes; `*` means all. Provisioned from `API_KEYS`. */
export interface ApiKey {
  key: string;
  sites: string[];
  scopes: string[];
  name?: string;
}

export class ApiKeyConfigError extends Error {}

/** What a key's `scopes` may list: `*` (everything) or a scope of the API. */
export const KNOWN_SCOPES: readonly string[] = ['*', ...Object.values(SCOPES)];

/** Parses and checks the `API_KEYS` JSON, so a typo stops the boot with a clear message. */
export function parseApiKeys(json: string): ApiKey[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new ApiKeyConfigError('API_KEYS must be a JSON array of {"key","sites","scopes"}');
  }
  if (!Array.isArray(parsed) || parsed.length === 0) throw new ApiKeyConfigError('API_KEYS must be a non-empty JSON array');
  const keys = parsed.map((entry, i) => {
    const candidate = entry as Partial<ApiKey>;
    const isStrings = (value: unknown): value is string[] =>
      Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && v.length > 0);
    if (typeof candidate.key !== 'string' || candidate.key.length < 16) {
      throw new ApiKeyConfigError(`API_KEYS[${i}].key must be a string of at least 16 characters`);
    }
    if (!isStrings(candidate.sites)) throw new ApiKeyConfigError(`API_KEYS[${i}].sites must be a non-empty array of site ids or "*"`);
    const badSite = candidate.sites.find((site) => site !== '*' && !isSiteId(site));
    if (badSite !== undefined) throw new ApiKeyConfigError(`API_KEYS[${i}].sites: "${badSite}" is not a site id (${SITE_ID_RULE})`);
    if (!isStrings(candidate.scopes)) throw new ApiKeyConfigError(`API_KEYS[${i}].scopes must be a non-empty array of scopes or "*"`);
    // A misspelt scope would grant nothing, and the key would fail with 403s far from the typo.
    const unknownScope = candidate.scopes.find((scope) => !KNOWN_SCOPES.includes(scope));
    if (unknownScope !== undefined) throw new ApiKeyConfigError(`API_KEYS[${i}].scopes: "${unknownScope}" is not a scope (known: ${KNOWN_SCOPES.join(', ')})`);
    if (candidate.name !== undefined && (typeof candidate.name !== 'string' || candidate.name.length === 0)) throw new ApiKeyConfigError(`API_KEYS[${i}].name must be a non-empty string`);
    return { key: candidate.key, sites: candidate.sites, scopes: candidate.scopes, name: candidate.name ?? `key-${i + 1}` };
  });
  // A key's name is who it is in events, webhooks (identity.appId) and loop suppression (excludeOwnChanges).
  const names = keys.map((key) => key.name);
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated !== undefined) throw new ApiKeyConfigError(`API_KEYS: two keys are named "${repeated}"; names identify keys in events and webhooks, give each key its own`);
  return keys;
}

/** Looks keys up by a hash so the comparison does not leak timing. */
export class ApiKeyRegistry {
  private readonly byHash = new Map<string, ApiKey>();

  constructor(keys: readonly ApiKey[]) {
    for (const key of keys) this.byHash.set(digest(key.key), key);
  }

  /** Looked up by the key's digest, so the time a lookup takes says nothing about how much of a key was right. */
  find(presented: string): ApiKey | undefined {
    return this.byHash.get(digest(presented));
  }
}

function digest(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function grantsSite(key: ApiKey, siteId: string): boolean {
  return key.sites.includes('*') || key.sites.includes(siteId);
}
