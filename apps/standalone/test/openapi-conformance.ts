import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** The parts of an OpenAPI 3.0 document the check reads. */
interface OpenApiDocument {
  paths: Record<string, Record<string, OperationDoc | unknown>>;
  components?: { schemas?: Record<string, unknown> };
}

interface OperationDoc {
  operationId?: string;
  'x-aliases'?: string[];
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

interface Route {
  method: string;
  pattern: RegExp;
  template: string;
  operation: OperationDoc;
}

export interface ObservedResponse {
  method: string;
  /** With or without a query string. */
  path: string;
  status: number;
  contentType: string | null;
  /** The body as received. */
  text: string;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** Routes left out of the document on purpose: the document itself, its UI, the metrics scrape. */
const OUTSIDE_THE_DOCUMENT = /^\/(openapi\.(json|yaml)|docs(\/.*)?|metrics)$/;

/**
 * Checks real responses against the API's own OpenAPI document: the status must be one the
 * operation documents, and a JSON body must match its schema (closed objects: a field the
 * document does not name is a violation). A request to no documented operation must have been
 * refused as such (404, 405): anything else answered a route the document does not list.
 */
export class OpenApiConformance {
  private readonly routes: Route[];
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(document: OpenApiDocument) {
    this.ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addSchema({ components: document.components ?? {} }, 'openapi');
    this.routes = Object.entries(document.paths).flatMap(([template, item]) =>
      METHODS.filter((method) => item[method]).flatMap((method) => {
        const operation = item[method] as OperationDoc;
        return [template, ...(operation['x-aliases'] ?? [])].map((path) => ({ method, template, operation, pattern: patternOf(path) }));
      }),
    );
  }

  static async fetch(baseUrl: string): Promise<OpenApiConformance> {
    const response = await fetch(`${baseUrl}/openapi.json`);
    if (!response.ok) throw new Error(`GET ${baseUrl}/openapi.json answered ${response.status}`);
    return new OpenApiConformance((await response.json()) as OpenApiDocument);
  }

  /** What is wrong with the response, one line each; empty when it conforms or no operation covers it. */
  violations(observed: ObservedResponse): string[] {
    if (OUTSIDE_THE_DOCUMENT.test(observed.path.split('?')[0])) return [];
    const route = this.routeOf(observed.method, observed.path);
    // No operation to hold it to: fine for a refusal of an unknown route or method, not for an answer.
    if (!route) return observed.status === 404 || observed.status === 405 ? [] : [`${observed.method} ${observed.path.split('?')[0]} → ${observed.status}: no operation of the document serves it`];
    const name = `${observed.method} ${route.template} (${route.operation.operationId}) → ${observed.status}`;
    const documented = route.operation.responses?.[String(observed.status)];
    if (!documented) return [`${name}: status ${observed.status} is not documented`];
    const mediaType = (observed.contentType ?? '').split(';')[0].trim();
    if (!documented.content) return observed.text === '' ? [] : [`${name}: a body (${mediaType}) where the document has none`];
    const content = documented.content[mediaType];
    if (!content) return [`${name}: content-type ${mediaType || '(none)'}, documented: ${Object.keys(documented.content).join(', ')}`];
    if (mediaType !== 'application/json' || !content.schema) return [];
    let body: unknown;
    try {
      body = JSON.parse(observed.text);
    } catch {
      return [`${name}: the body is not JSON`];
    }
    const validate = this.validatorOf(content.schema);
    if (validate(body)) return [];
    return (validate.errors ?? []).map((error) => `${name}: ${error.instancePath || '/'} ${error.message}${error.params ? ` ${JSON.stringify(error.params)}` : ''}`);
  }

  private routeOf(method: string, path: string): Route | undefined {
    const bare = path.split('?')[0];
    const lower = method.toLowerCase();
    // A literal segment wins over a parameter (`/contacts/facets` over `/contacts/{id}`).
    const matches = this.routes.filter((route) => route.method === lower && route.pattern.test(bare));
    return matches.sort((a, b) => parameters(a.template) - parameters(b.template))[0];
  }

  private validatorOf(schema: unknown): ValidateFunction {
    const key = JSON.stringify(schema);
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(rebase(schema));
      this.validators.set(key, validate);
    }
    return validate;
  }
}

function patternOf(template: string): RegExp {
  const escaped = template.replace(/[.*+?^${}()|[\]\\]/g, (c) => (c === '{' || c === '}' ? c : `\\${c}`));
  return new RegExp(`^${escaped.replace(/\{[^}]+\}/g, '[^/]+')}$`);
}

const parameters = (template: string) => (template.match(/\{/g) ?? []).length;

/** `#/components/schemas/X` points into the document registered as `openapi`. */
function rebase(schema: unknown): unknown {
  return JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"openapi#/components/'));
}
