import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';

/** One static file of the dashboard, read once at start. */
export interface UiAsset {
  readonly body: Buffer;
  readonly contentType: string;
  /** Strong validator, so `Cache-Control: no-cache` costs a 304 instead of the body. */
  readonly etag: string;
}

/** The only file types the dashboard ships; anything else in the folder is not served. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** The page every other asset hangs off; a folder without it is not the dashboard's. */
export const UI_INDEX = 'index.html';

/**
 * Where the assets are: beside this file when run from the sources (ts-jest, ts-node:
 * `apps/registry/src/ui/assets`), or where nest-cli's `assets` option copies them beside the webpack
 * bundle (`dist/apps/registry/ui/assets`, the bundle's `__dirname` being `dist/apps/registry`).
 * @internal
 */
export function resolveUiAssetDir(baseDir: string = __dirname): string {
  const candidates = [join(baseDir, 'assets'), join(baseDir, 'ui', 'assets')];
  const found = candidates.find((dir) => existsSync(join(dir, UI_INDEX)));
  if (found === undefined) {
    throw new Error(`dashboard assets not found (looked for ${UI_INDEX} in ${candidates.join(', ')})`);
  }
  return found;
}

/**
 * The dashboard's files, held in memory (a few tens of KiB). Lookups are by exact file name from a
 * fixed set, so no request path ever reaches the file system.
 */
export class UiAssets {
  private constructor(private readonly files: ReadonlyMap<string, UiAsset>) {}

  /** Reads every servable file directly under `dir`. */
  static load(dir: string): UiAssets {
    const files = new Map<string, UiAsset>();
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const contentType = CONTENT_TYPES[extname(entry.name)];
      if (!entry.isFile() || contentType === undefined) continue;
      const body = readFileSync(join(dir, entry.name));
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
      files.set(entry.name, { body, contentType, etag });
    }
    return new UiAssets(files);
  }

  get(name: string): UiAsset | undefined {
    return this.files.get(name);
  }

  names(): string[] {
    return [...this.files.keys()].sort();
  }
}
