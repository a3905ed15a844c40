import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { RouteTable } from '../proxy/route-table';

/** Where the OpenAPI document and its UI are served (outside every proxied prefix: those start with their own path). */
export const API_DOCS_PATH = 'docs';

const PROXY_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/**
 * Serves the gateway's OpenAPI document at `/docs-json` and Swagger UI at `/docs`. The gateway's own routes
 * come from its controllers and DTOs; the proxy's come from the route table it runs with, one path per
 * prefix, so the document lists exactly what this gateway exposes.
 */
export function setupGatewayApiDocs(app: INestApplication, routes: RouteTable, version: string): void {
  const config = new DocumentBuilder()
    .setTitle('nest-discovery gateway')
    .setDescription(
      'The public entry: arithmetic served by calc (over HTTP through a declarative client, or over gRPC) and a ' +
        'reverse proxy to the services in the route table. Every answer carries `X-Request-Id` (yours, or a new one). ' +
        'Upstream faults: 503 no instance, 504 timeout, 502 unreachable, each `{ statusCode, error, message }`.',
    )
    .setVersion(version)
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup(API_DOCS_PATH, app, withProxyRoutes(document, routes), { jsonDocumentUrl: `${API_DOCS_PATH}-json` });
}

/** One documented path per proxied prefix, every method, the rest of the path passed through. */
function withProxyRoutes(document: OpenAPIObject, routes: RouteTable): OpenAPIObject {
  for (const { prefix, service } of routes) {
    const operation = {
      tags: ['proxy'],
      summary: `Proxied to a load-balanced instance of "${service}"`,
      description:
        `\`${prefix}/<path>\` is forwarded as \`/<path>\` with query, headers and body streamed both ways. ` +
        'Idempotent methods are retried on another instance; others are not.',
      parameters: [{ name: 'path', in: 'path' as const, required: true, schema: { type: 'string' as const } }],
      responses: {
        '502': { description: 'Upstream unreachable' },
        '503': { description: `No instance of ${service}` },
        '504': { description: 'Upstream timed out' },
      },
    };
    document.paths[`${prefix}/{path}`] = Object.fromEntries(PROXY_METHODS.map((method) => [method, operation]));
  }
  return document;
}
