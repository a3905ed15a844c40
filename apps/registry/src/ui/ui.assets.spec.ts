import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveUiAssetDir, UI_INDEX, UiAssets } from './ui.assets';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'ui-assets-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('resolveUiAssetDir', () => {
  it('finds the assets beside the sources', () => {
    expect(resolveUiAssetDir()).toBe(join(__dirname, 'assets'));
  });

  it('finds them where the build copies them beside the bundle (dist/apps/registry/ui/assets)', () => {
    const bundleDir = tree({ 'main.js': '', 'ui/assets/index.html': '<!doctype html>' });
    expect(resolveUiAssetDir(bundleDir)).toBe(join(bundleDir, 'ui', 'assets'));
  });

  it('fails naming where it looked', () => {
    const empty = tree({ 'main.js': '' });
    expect(() => resolveUiAssetDir(empty)).toThrow(`looked for ${UI_INDEX} in ${join(empty, 'assets')}, ${join(empty, 'ui', 'assets')}`);
  });
});

describe('UiAssets', () => {
  const dir = tree({
    'index.html': '<p>hi</p>',
    'app.js': 'export {}',
    'app.css': 'p{}',
    'icon.svg': '<svg/>',
    'notes.txt': 'not served',
    'nested/secret.js': 'not served',
  });
  const assets = UiAssets.load(dir);

  it('serves only the known file types, directly in the folder', () => {
    expect(assets.names()).toEqual(['app.css', 'app.js', 'icon.svg', 'index.html']);
    expect(assets.get('notes.txt')).toBeUndefined();
    expect(assets.get('nested/secret.js')).toBeUndefined();
    expect(assets.get('../index.html')).toBeUndefined();
  });

  it('labels each with its content type and a strong etag', () => {
    expect(assets.get('index.html')?.contentType).toBe('text/html; charset=utf-8');
    expect(assets.get('app.js')?.contentType).toBe('text/javascript; charset=utf-8');
    expect(assets.get('app.css')?.contentType).toBe('text/css; charset=utf-8');
    expect(assets.get('icon.svg')?.contentType).toBe('image/svg+xml');
    expect(assets.get('app.js')?.etag).toMatch(/^"[\w-]+"$/);
    expect(UiAssets.load(dir).get('app.js')?.etag).toBe(assets.get('app.js')?.etag);
    expect(assets.get('app.css')?.etag).not.toBe(assets.get('app.js')?.etag);
  });

  it('ships the dashboard: a page and the modules it loads', () => {
    const shipped = UiAssets.load(resolveUiAssetDir());
    const page = shipped.get(UI_INDEX)?.body.toString() ?? '';
    // The page itself, and what it names: its script, stylesheet and icon — each shipped.
    const referenced = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map(([, file]) => file);
    expect(referenced).toEqual(expect.arrayContaining(['dashboard.js', 'dashboard.css', 'favicon.svg']));
    for (const file of referenced) expect(shipped.get(file)).toBeDefined();
    // Every module the script imports, transitively, is shipped too (the dashboard imports at least one).
    const imports = shipped
      .names()
      .filter((name) => name.endsWith('.js'))
      .flatMap((name) => [...(shipped.get(name)?.body.toString() ?? '').matchAll(/from '\.\/([^']+)'/g)].map(([, file]) => file));
    expect(imports.length).toBeGreaterThan(0);
    expect(imports).toContain('view.js');
    for (const file of imports) expect(shipped.get(file)).toBeDefined();
  });
});
