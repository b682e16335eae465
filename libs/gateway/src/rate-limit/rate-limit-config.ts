/**
 * `RATE_LIMITS`, parsed and checked here only, for the standalone app and the distributed
 * gateway alike. A limit is a token bucket: `burst` requests at once, refilled at `rate`.
 *
 *   unset, "" or "default"  the self-hosting default: 3000/minute, bursts of 500
 *   "wix"                   Wix's published limit: 200/minute (bursts of 200)
 *   "off"                   no limits
 *   JSON                    {"rate":"600/minute","burst":100,"keys":{"<key name>":{"rate":"10/second"} | "off" | "wix" | "default"}}
 */
export interface RateLimit {
  /** Tokens added per second. */
  ratePerSecond: number;
  /** Bucket capacity: how many requests may come at once. */
  burst: number;
  /** The rate as configured, for messages ("200/minute"). */
  rate: string;
}

export interface RateLimitConfig {
  /** The limit of every key without an override; null: not limited. */
  defaultLimit: RateLimit | null;
  /** Overrides by API key name; null: that key is not limited. */
  keys: ReadonlyMap<string, RateLimit | null>;
}

export class RateLimitConfigError extends Error {}

const UNITS: Record<string, number> = { s: 1, sec: 1, second: 1, m: 60, min: 60, minute: 60, h: 3600, hour: 3600 };
const RATE_FORM = /^(\d+(?:\.\d+)?)\s*\/\s*([a-z]+)$/i;

export const DEFAULT_RATE_LIMIT: RateLimit = limitOf('3000/minute', 500);
export const WIX_RATE_LIMIT: RateLimit = limitOf('200/minute', 200);
const PRESETS: Record<string, RateLimit | null> = { default: DEFAULT_RATE_LIMIT, wix: WIX_RATE_LIMIT, off: null };

export const RATE_LIMITS_OFF: RateLimitConfig = { defaultLimit: null, keys: new Map() };

export function rateLimitsEnabled(config: RateLimitConfig): boolean {
  return config.defaultLimit !== null || [...config.keys.values()].some((limit) => limit !== null);
}

/** The limit that applies to a key, by its name. */
export function limitForKey(config: RateLimitConfig, keyName: string): RateLimit | null {
  return config.keys.has(keyName) ? config.keys.get(keyName)! : config.defaultLimit;
}

export function parseRateLimits(raw: string | undefined): RateLimitConfig {
  const text = raw?.trim() ?? '';
  if (text === '') return { defaultLimit: DEFAULT_RATE_LIMIT, keys: new Map() };
  if (!text.startsWith('{')) return { defaultLimit: preset(text, 'RATE_LIMITS'), keys: new Map() };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new RateLimitConfigError('RATE_LIMITS is not valid JSON (or one of "default", "wix", "off")');
  }
  const { keys, ...defaults } = asObject(parsed, 'RATE_LIMITS');
  const overrides = new Map<string, RateLimit | null>();
  if (keys !== undefined) {
    for (const [name, spec] of Object.entries(asObject(keys, 'RATE_LIMITS.keys'))) {
      overrides.set(name, limitSpec(spec, `RATE_LIMITS.keys["${name}"]`));
    }
  }
  const defaultLimit = Object.keys(defaults).length === 0 ? DEFAULT_RATE_LIMIT : limitSpec(defaults, 'RATE_LIMITS');
  return { defaultLimit, keys: overrides };
}

/** Overrides must name keys that exist, so a typo in a name does not silently leave a key at the default. */
export function checkRateLimitKeyNames(config: RateLimitConfig, keyNames: readonly string[]): void {
  const unknown = [...config.keys.keys()].filter((name) => !keyNames.includes(name));
  if (unknown.length > 0) {
    throw new RateLimitConfigError(`RATE_LIMITS.keys names no API key called ${unknown.map((n) => `"${n}"`).join(', ')} (keys: ${keyNames.join(', ')})`);
  }
}

function limitSpec(spec: unknown, where: string): RateLimit | null {
  if (typeof spec === 'string') return preset(spec, where);
  const { rate, burst, ...rest } = asObject(spec, where);
  const extra = Object.keys(rest);
  if (extra.length > 0) throw new RateLimitConfigError(`${where}: unknown field "${extra[0]}" (allowed: rate, burst${where === 'RATE_LIMITS' ? ', keys' : ''})`);
  if (typeof rate !== 'string') throw new RateLimitConfigError(`${where}.rate is required: a rate such as "200/minute" or "10/second"`);
  const parsed = parseRate(rate, `${where}.rate`);
  if (burst !== undefined && !(Number.isInteger(burst) && (burst as number) >= 1)) {
    throw new RateLimitConfigError(`${where}.burst must be a positive integer, got ${JSON.stringify(burst)}`);
  }
  // Without a burst, "N/unit" lets N requests come at once, as a window of that unit would.
  return { rate: rate.trim(), ratePerSecond: parsed.perSecond, burst: (burst as number | undefined) ?? Math.max(1, Math.floor(parsed.count)) };
}

function preset(name: string, where: string): RateLimit | null {
  if (Object.hasOwn(PRESETS, name)) return PRESETS[name];
  throw new RateLimitConfigError(`${where} must be "default", "wix", "off" or a JSON object, got "${name}"`);
}

function parseRate(rate: string, where: string): { count: number; perSecond: number } {
  const match = RATE_FORM.exec(rate.trim());
  const unit = match?.[2].toLowerCase() ?? '';
  const seconds = Object.hasOwn(UNITS, unit) ? UNITS[unit] : undefined;
  const count = match ? Number(match[1]) : NaN;
  if (!match || seconds === undefined || !(count > 0)) {
    throw new RateLimitConfigError(`${where} must be "<n>/second", "<n>/minute" or "<n>/hour" with n > 0, got "${rate}"`);
  }
  return { count, perSecond: count / seconds };
}

function limitOf(rate: string, burst: number): RateLimit {
  return { rate, ratePerSecond: parseRate(rate, 'rate').perSecond, burst };
}

function asObject(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new RateLimitConfigError(`${where} must be a JSON object`);
  return value as Record<string, unknown>;
}
