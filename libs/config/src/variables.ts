import { resolve } from 'node:path';
import { z } from 'zod';
import { EnvDoc, envDocs } from './env-doc';

/**
 * Builders of variable schemas, the pieces every app's configuration is made of. Each takes a
 * variable's raw value (undefined when unset), gives its default when unset or blank, and
 * otherwise checks it; its messages start with what the value must be, and the name of the
 * variable is put in front when problems are listed (read-env.ts).
 */
export type Variable<T> = z.ZodType<T, string | undefined>;

/**
 * The raw value, trimmed; unset and blank are the same (`PORT=` in a compose file means "use the
 * default"). A new schema each time: documentation is registered per schema instance.
 */
const envValue = () =>
  z
    .string()
    .optional()
    .transform((raw) => (raw === undefined || raw.trim() === '' ? undefined : raw.trim()));

/** Problems quote the value as given. */
const got = (what: string) => (issue: { input?: unknown }) => `must be ${what}, got ${JSON.stringify(issue.input)}`;

function documented<T>(schema: z.ZodType<T, string | undefined>, doc: EnvDoc): Variable<T> {
  return schema.register(envDocs, doc);
}

/** The checked value, or the default when unset. */
function withDefault<T>(check: z.ZodType<T, string>, fallback: T): z.ZodType<T, string | undefined> {
  return envValue().pipe(check.optional()).transform((value) => value ?? fallback);
}

/**
 * A required value: unset is a problem that says what to set. (A custom issue, not zod's type
 * check: that one would abort the object, and the rules across variables would not run.)
 */
function required<T>(check: z.ZodType<T, string>, description: string): z.ZodType<T, string | undefined> {
  return envValue()
    .refine((value) => value !== undefined, { error: `is required: ${description}` })
    .transform((value) => value as string)
    .pipe(check);
}

function decimal(what: string, accepts: (n: number) => boolean): z.ZodType<number, string> {
  return z
    .string()
    .refine((digits) => /^\d+$/.test(digits) && accepts(Number(digits)), { error: got(what) })
    .transform(Number);
}

const portNumber = decimal('a port number', (n) => n <= 65535);

export function port(fallback: number, doc: Omit<EnvDoc, 'default'>): Variable<number> {
  return documented(withDefault(portNumber, fallback), { ...doc, default: String(fallback) });
}

/** A port that is off unless set (0: off). */
export function optionalPort(doc: EnvDoc): Variable<number> {
  return documented(withDefault(portNumber, 0), doc);
}

export function positiveInt(fallback: number, doc: Omit<EnvDoc, 'default'>): Variable<number> {
  return documented(withDefault(decimal('a positive integer', (n) => n >= 1 && Number.isSafeInteger(n)), fallback), { ...doc, default: String(fallback) });
}

export function intInRange(min: number, max: number, doc: EnvDoc & { unit: string }): Variable<number | undefined> {
  const { unit, ...rest } = doc;
  return documented(envValue().pipe(decimal(`a whole number of ${unit} from ${min} to ${max}`, (n) => n >= min && n <= max).optional()), rest);
}

export function oneOf<const Values extends readonly [string, ...string[]]>(values: Values, fallback: Values[number], doc: Omit<EnvDoc, 'default'>): Variable<Values[number]> {
  const what = values.length === 2 ? `${values[0]} or ${values[1]}` : `one of ${values.join(', ')}`;
  return documented(withDefault(z.enum(values, { error: got(what) }), fallback), { ...doc, default: fallback });
}

/** `true` or `false`, nothing looser: a typo must not silently mean false. */
export function flag(fallback: boolean, doc: Omit<EnvDoc, 'default'>): Variable<boolean> {
  return documented(withDefault(z.enum(['true', 'false'], { error: got('true or false') }).transform((value) => value === 'true'), fallback), { ...doc, default: String(fallback) });
}

export function text(fallback: string, doc: Omit<EnvDoc, 'default'>): Variable<string> {
  return documented(withDefault(z.string(), fallback), { ...doc, default: fallback });
}

export function optionalText(doc: EnvDoc): Variable<string | undefined> {
  return documented(envValue(), doc);
}

export function requiredText(doc: Omit<EnvDoc, 'required'>): Variable<string> {
  return documented(required(z.string(), doc.description), { ...doc, required: true });
}

/** A path, resolved against the working directory (whether it may be written is a rule of its own: writable-directory.ts). */
export function directory(fallback: string, doc: Omit<EnvDoc, 'default'>): Variable<string> {
  return documented(withDefault(z.string(), fallback).transform((path) => resolve(path)), { ...doc, default: fallback });
}

/**
 * A connection string of one of `schemes`, checked by its scheme only: MongoDB's may list several
 * hosts (mongodb://a:27017,b:27017/db), which is not a URL that `new URL` takes.
 */
function connectionString(schemes: readonly string[]): z.ZodType<string, string> {
  const escaped = schemes.map((scheme) => scheme.replace(/[+.]/g, '\\$&'));
  const what = `${schemes.slice(0, -1).map((s) => `${s}://`).join(', ')}${schemes.length > 1 ? ' or ' : ''}${schemes.at(-1)}:// URL`;
  return z.string().regex(new RegExp(`^(${escaped.join('|')})://[^\\s/?#]+\\S*$`), { error: got(`a ${what}`) });
}

export function connectionUrl(schemes: readonly string[], doc: Omit<EnvDoc, 'required'>): Variable<string> {
  return documented(required(connectionString(schemes), doc.description), { ...doc, required: true });
}

export function optionalConnectionUrl(schemes: readonly string[], doc: EnvDoc): Variable<string | undefined> {
  return documented(envValue().pipe(connectionString(schemes).optional()), doc);
}

/** A secret of exactly `bytes` bytes, given in base64 (values are not quoted back: they are secrets). */
function base64Secret(bytes: number): z.ZodType<Buffer, string> {
  return z
    .string()
    .refine((raw) => /^[A-Za-z0-9+/_-]+={0,2}$/.test(raw) && Buffer.from(raw, 'base64').length === bytes, { error: `must be ${bytes} bytes in base64 (e.g. openssl rand -base64 ${bytes})` })
    .transform((raw) => Buffer.from(raw, 'base64'));
}

export function requiredSecret(bytes: number, doc: Omit<EnvDoc, 'required'>): Variable<Buffer> {
  return documented(required(base64Secret(bytes), doc.description), { ...doc, required: true });
}

export function optionalSecret(bytes: number, doc: EnvDoc): Variable<Buffer | undefined> {
  return documented(envValue().pipe(base64Secret(bytes).optional()), doc);
}

/** An http(s) URL, normalised (`https://example.com` becomes `https://example.com/`). */
export function optionalHttpUrl(doc: EnvDoc): Variable<string | undefined> {
  return documented(envValue().pipe(z.url({ protocol: /^https?$/, normalize: true, error: got('an http(s) URL') }).optional()), doc);
}

/** Comma-separated host:port pairs, such as Kafka's bootstrap servers. */
export function hostPortList(doc: Omit<EnvDoc, 'required'>): Variable<string[]> {
  const list = z
    .string()
    .transform((raw) => raw.split(',').map((entry) => entry.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[^\s:]+:\d{1,5}$/, { error: got('host:port pairs separated by commas') })).min(1));
  return documented(required(list, doc.description), { ...doc, required: true });
}

/**
 * A value read by a parser of its own (a JSON setting, a schedule): what the parser throws is the
 * problem. It gets undefined when the variable is unset.
 */
export function parsedBy<T>(parse: (raw: string | undefined) => T, doc: EnvDoc): Variable<T> {
  return documented(
    envValue().transform((raw, context) => {
      try {
        return parse(raw);
      } catch (error) {
        context.addIssue({ code: 'custom', message: (error as Error).message, input: raw });
        return z.NEVER;
      }
    }),
    doc,
  );
}
