import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, OperationObject, SwaggerModule } from '@nestjs/swagger';
import { operationsAt } from './document-walk';
import { addCommonErrors } from './error-responses';
import { COMPONENT_SCHEMAS } from './schemas';

const DESCRIPTION =
  'Wire-compatible with Wix CRM Contacts v4, Labels, Extended Fields and Email Subscriptions; webhooks and the change feed are the platform\'s own. ' +
  'Authenticate with `Authorization: <api key>` and choose the site with `wix-site-id`; each operation names the scope it needs (`x-required-scope`). ' +
  'Every route is also served under the `/_api` prefix (and Email Subscriptions under `/v1/email-subscriptions`), as Wix\'s SDK calls them; this document lists each once. ' +
  'Errors use the envelope `ErrorEnvelope`: `{ message, details: { applicationError | validationError }, requestId }`. ' +
  'Every response carries `x-request-id`: the client\'s own when it is at most 128 of `[A-Za-z0-9._:-]`, else a new UUID. ' +
  'Bodies are JSON (`application/json`, else 415), at most 1 MiB with contact info and 128 KiB otherwise (413) and 32 levels deep (400).';

/** The API's OpenAPI document, from the controllers' decorators and the wire schemas (schemas.ts). */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Contacts platform API')
    .setDescription(DESCRIPTION)
    .setVersion('4')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'Authorization', description: 'An API key (API_KEYS)' }, 'apiKey')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'wix-site-id', description: 'The site the call acts on' }, 'siteId')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  keepOnePathPerOperation(document);
  addCommonErrors(document);
  const clashes = Object.keys(COMPONENT_SCHEMAS).filter((name) => document.components?.schemas?.[name]);
  if (clashes.length > 0) throw new Error(`A DTO and a wire schema share a name: ${clashes.join(', ')}`);
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...COMPONENT_SCHEMAS } };
  return document;
}

/** Serves the OpenAPI document at /openapi.json (and .yaml) and its UI at /docs. */
export function setupOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), { jsonDocumentUrl: 'openapi.json', yamlDocumentUrl: 'openapi.yaml' });
}

/**
 * A controller with several prefixes (`/contacts/v4`, `/_api/contacts/v4`) yields one operation
 * per prefix, the same but for its id (suffixed `[0]`, `[1]` when generated). The first prefix is
 * the documented one; the others are listed on it (`x-aliases`) rather than as operations. Two
 * operations with one id that differ otherwise are two handlers named alike: an error.
 */
function keepOnePathPerOperation(document: OpenAPIObject): void {
  const kept = new Map<string, { operation: OperationObject & { 'x-aliases'?: string[] }; path: string }>();
  const withoutId = (operation: OperationObject) => JSON.stringify({ ...operation, operationId: undefined });
  for (const [path, item] of Object.entries(document.paths)) {
    for (const { method, operation } of operationsAt(item)) {
      if (!operation.operationId) continue;
      operation.operationId = operation.operationId.replace(/\[\d+\]$/, '');
      const key = `${method} ${operation.operationId}`;
      const documented = kept.get(key);
      if (!documented) {
        kept.set(key, { operation, path });
        continue;
      }
      const { 'x-aliases': _aliases, ...first } = documented.operation;
      if (withoutId(first) !== withoutId(operation)) throw new Error(`Two operations are named ${operation.operationId}: ${method} ${documented.path} and ${method} ${path}`);
      documented.operation['x-aliases'] = [...(documented.operation['x-aliases'] ?? []), path];
      delete item[method];
    }
    if (operationsAt(item).length === 0) delete document.paths[path];
  }
}
