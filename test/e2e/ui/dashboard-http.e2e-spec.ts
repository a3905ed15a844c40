import { http } from '../registry/registry.harness';
import { bootUiRegistry, UiRegistry } from './ui-registry';

// The dashboard's files over plain HTTP: redirects, headers, and nothing outside the asset set.
describe('registry dashboard files', () => {
  let registry: UiRegistry;

  beforeAll(async () => {
    registry = await bootUiRegistry();
  });

  afterAll(() => registry.close());

  const get = (path: string, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${registry.url}${path}`, { redirect: 'manual', headers });

  it('redirects / and /ui to /ui/', async () => {
    for (const path of ['/', '/ui']) {
      const response = await get(path);
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe('/ui/');
    }
  });

  it('serves the page and its files with a type, no-cache and a self-only CSP', async () => {
    const page = await get('/ui/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/unsafe|\*|https?:/);
    expect(await page.text()).toContain('<script type="module" src="dashboard.js">');

    const script = await get('/ui/dashboard.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await get('/ui/dashboard.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const first = await get('/ui/dashboard.js');
    const etag = first.headers.get('etag') ?? '';
    expect(etag).not.toBe('');
    const again = await get('/ui/dashboard.js', { 'if-none-match': etag });
    expect(again.status).toBe(304);
  });

  it('answers 404 (JSON) for anything else, traversal included', async () => {
    for (const path of ['/ui/nope.js', '/ui/%2e%2e%2fpackage.json', '/ui/..%2F..%2Fpackage.json', '/ui/a/b.js']) {
      const { status, body } = await http<{ statusCode: number }>(`${registry.url}${path}`);
      expect({ path, status }).toEqual({ path, status: 404 });
      expect(body.statusCode).toBe(404);
    }
  });

  it('leaves the API where it was', async () => {
    const { status, body } = await http<{ revision: number }>(`${registry.url}/services`);
    expect(status).toBe(200);
    expect(body.revision).toBe(0);
  });
});
