import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ErrorSchema, InstanceSchema, RegisterAnswerSchema, StateSchema } from './registry.schemas';

/** Where the OpenAPI document and its UI are served. */
export const API_DOCS_PATH = 'docs';

/**
 * Serves the registry's OpenAPI document at `/docs-json` and Swagger UI at `/docs`, both built at start
 * from the controllers and the very DTOs the validation pipe checks, so they cannot drift apart.
 */
export function setupRegistryApiDocs(app: INestApplication, version: string): void {
  const config = new DocumentBuilder()
    .setTitle('nest-discovery registry')
    .setDescription(
      'Register, renew, look up and watch service instances. Writes need `Authorization: Bearer <token>` when the ' +
        'registry runs with REGISTRY_TOKEN. Errors are `{ statusCode, error, message }` naming the field.',
    )
    .setVersion(version)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'REGISTRY_TOKEN' }, 'token')
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    extraModels: [InstanceSchema, StateSchema, RegisterAnswerSchema, ErrorSchema],
  });
  SwaggerModule.setup(API_DOCS_PATH, app, document, { jsonDocumentUrl: `${API_DOCS_PATH}-json` });
}
