import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** Serves the OpenAPI document at /openapi.json and its UI at /docs. */
export function setupOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Contacts platform API')
    .setDescription(
      'Wire-compatible with Wix CRM Contacts v4. Authenticate with `Authorization: <api key>` and choose the site with `wix-site-id`. ' +
        'Every route is also served under the `/_api` prefix. Errors use the envelope `{ message, details: { applicationError | validationError }, requestId }`. ' +
        'Every response carries `x-request-id`: the client\'s own when it is at most 128 of `[A-Za-z0-9._:-]`, else a new UUID. ' +
        'Bodies are JSON (`application/json`, else 415), at most 1 MiB with contact info and 128 KiB otherwise (413) and 32 levels deep (400).',
    )
    .setVersion('4')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'Authorization' }, 'apiKey')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json', yamlDocumentUrl: 'openapi.yaml' });
}
