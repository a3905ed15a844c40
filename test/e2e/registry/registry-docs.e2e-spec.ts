import { bootRegistry, http, TestRegistry } from './registry.harness';

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; security?: unknown[] }>>;
  components: { schemas: Record<string, { properties: Record<string, { enum?: string[]; additionalProperties?: unknown }>; required?: string[] }> };
}

describe('registry API docs', () => {
  let registry: TestRegistry;

  beforeAll(async () => {
    registry = await bootRegistry();
  });

  afterAll(() => registry.close());

  it('serves an OpenAPI document built from the real routes and DTOs', async () => {
    const { status, body } = await http<OpenApiDocument>(`${registry.url}/docs-json`);
    expect(status).toBe(200);
    expect(body.openapi).toMatch(/^3\./);
    expect(Object.keys(body.paths).sort()).toEqual([
      '/health',
      '/metrics',
      '/register',
      '/service/{name}',
      '/service/{name}/{id}',
      '/services',
      '/session/{name}/{id}',
      '/watch',
      '/watch/services',
    ]);
    expect(Object.keys(body.paths['/service/{name}/{id}']).sort()).toEqual(['delete', 'patch']);
    // Writes say they need the token; reads do not.
    expect(body.paths['/register'].post.security).toEqual([{ token: [] }]);
    expect(body.paths['/services'].get.security).toBeUndefined();
    // Query DTOs become parameters.
    expect(body.paths['/watch'].get.parameters?.map((p) => p.name).sort()).toEqual(['revision', 'status', 'timeoutSeconds']);

    const register = body.components.schemas.RegisterInstanceDto;
    expect(register.required?.sort()).toEqual(['host', 'name', 'port']);
    expect(Object.keys(register.properties).sort()).toEqual(
      ['check', 'endpoints', 'host', 'id', 'metadata', 'name', 'port', 'protocol', 'tags', 'ttlSeconds', 'weight'],
    );
    // Named endpoints: in register bodies and in every instance answer, with their health.
    expect(register.properties.endpoints.additionalProperties).toEqual({ $ref: '#/components/schemas/EndpointSchema' });
    expect(body.components.schemas.EndpointSchema.properties.protocol.enum).toEqual(['http', 'https', 'grpc', 'tcp']);
    expect(body.components.schemas.InstanceSchema.properties.endpointHealth.additionalProperties).toEqual({
      $ref: '#/components/schemas/EndpointHealthSchema',
    });
    expect(body.paths['/session/{name}/{id}'].get.security).toEqual([{ token: [] }]);
    expect(body.components.schemas.HealthCheckDto.properties.type.enum).toEqual(['http', 'tcp', 'grpc']);
    expect(Object.keys(body.components.schemas.PatchInstanceDto.properties).sort()).toEqual(['enabled', 'weight']);
    expect(body.components.schemas.InstanceSchema.properties.status.enum).toEqual(['passing', 'critical']);
  });

  it('serves Swagger UI at /docs', async () => {
    const { status, text, headers } = await http(`${registry.url}/docs`);
    expect(status).toBe(200);
    expect(headers.get('content-type')).toMatch(/text\/html/);
    expect(text).toContain('swagger-ui');
  });
});
