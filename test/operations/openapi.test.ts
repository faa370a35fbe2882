import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSwitchboard, type TestSwitchboard } from '../support/test-switchboard.js';

interface Operation {
  summary?: string;
  tags?: string[];
  parameters?: Array<{ in: string; name: string; required?: boolean }>;
  requestBody?: { content: Record<string, unknown> };
  responses?: Record<string, unknown>;
  security?: unknown[];
}
interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components?: { securitySchemes?: Record<string, unknown> };
}

/** Every `$ref` string anywhere in `value`. */
function refsIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) refsIn(item, out);
  else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string') out.push(child);
      else refsIn(child, out);
    }
  }
  return out;
}

describe('OpenAPI and docs', () => {
  let sb: TestSwitchboard;
  let doc: OpenApiDocument;
  beforeAll(async () => {
    sb = await startTestSwitchboard();
    const response = await sb.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    doc = response.json<OpenApiDocument>();
  });
  afterAll(async () => {
    await sb.stop();
  });

  it('is an OpenAPI 3.1 document with the management, event and operations paths', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'Switchboard', version: expect.any(String) });
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`));
    expect(operations).toEqual(
      expect.arrayContaining([
        'POST /integration/webhooks/register',
        'GET /integration/webhooks',
        'GET /integration/webhooks/{endpoint_id}',
        'DELETE /integration/webhooks/{endpoint_id}',
        'GET /integration/webhooks/{endpoint_id}/status',
        'GET /integration/webhooks/{endpoint_id}/logs',
        'POST /integration/webhooks/{endpoint_id}/rotate-secret',
        'POST /integration/webhooks/test/{endpoint_id}',
        'GET /api/v1/events',
        'GET /api/v1/events/{id}',
        'GET /health',
        'GET /health/detailed',
        'GET /metrics',
      ]),
    );
  });

  it('is well-formed: path parameters declared, responses present, refs resolvable, bearer auth on the management API', () => {
    const schemas = (doc.components as { schemas?: Record<string, unknown> } | undefined)?.schemas ?? {};
    for (const ref of refsIn(doc)) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(schemas, ref).toHaveProperty([ref.slice('#/components/schemas/'.length)]);
    }
    expect(doc.components?.securitySchemes).toHaveProperty('bearerAuth');
    for (const [path, ops] of Object.entries(doc.paths)) {
      expect(path).toMatch(/^\//);
      const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(ops)) {
        expect(['get', 'post', 'put', 'patch', 'delete']).toContain(method);
        expect(op.summary, `${method} ${path}`).toEqual(expect.any(String));
        expect(Object.keys(op.responses ?? {}).length, `${method} ${path}`).toBeGreaterThan(0);
        const declared = (op.parameters ?? []).filter((p) => p.in === 'path');
        expect(declared.map((p) => p.name).sort()).toEqual([...templated].sort());
        for (const parameter of declared) expect(parameter.required).toBe(true);
        // The management and event APIs need the admin key (the receive paths authenticate per endpoint instead).
        if (op.tags?.includes('webhook endpoints') === true || op.tags?.includes('events') === true) {
          expect(op.security, `${method} ${path}`).toEqual([{ bearerAuth: [] }]);
        }
      }
    }
    for (const [method, path] of [
      ['post', '/integration/webhooks/register'],
      ['get', '/integration/webhooks/{endpoint_id}'],
      ['delete', '/integration/webhooks/{endpoint_id}'],
      ['post', '/integration/webhooks/{endpoint_id}/rotate-secret'],
      ['get', '/api/v1/events'],
    ] as const) {
      expect(doc.paths[path]?.[method]?.security, `${method} ${path}`).toEqual([{ bearerAuth: [] }]);
    }
    const register = doc.paths['/integration/webhooks/register']?.['post'];
    expect(register?.requestBody?.content).toHaveProperty('application/json');
    const listEvents = doc.paths['/api/v1/events']?.['get'];
    expect(listEvents?.parameters?.map((p) => p.name)).toEqual(expect.arrayContaining(['source', 'type', 'since', 'until', 'limit', 'cursor']));
  });

  it('serves the interactive docs UI at /docs', async () => {
    let response = await sb.app.inject({ method: 'GET', url: '/docs' });
    if (response.statusCode >= 300 && response.statusCode < 400) {
      response = await sb.app.inject({ method: 'GET', url: new URL(response.headers.location as string, 'http://localhost/docs/').pathname });
    }
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.body).toMatch(/<html/i);
    expect(response.body).toMatch(/swagger-ui/i);
    const initializer = await sb.app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' });
    expect(initializer.statusCode).toBe(200);
    const json = await sb.app.inject({ method: 'GET', url: '/docs/json' });
    expect(json.statusCode).toBe(200);
    expect(json.json<OpenApiDocument>().paths).toHaveProperty(['/integration/webhooks/register']);
  });
});
