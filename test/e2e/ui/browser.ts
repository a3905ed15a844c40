import { existsSync } from 'node:fs';
import { BrowserContext, chromium } from 'playwright-core';
import { tmpDir } from '../helpers/tmp-dir';

/** Debian's `chromium` package (what `.ci/run` installs); `CHROMIUM_PATH` overrides. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_MISSING = `no Chromium at ${CHROMIUM_PATH}: apt-get install chromium (or set CHROMIUM_PATH)`;

/** A laptop screen. */
export const LAPTOP_VIEWPORT = { width: 1440, height: 900 };

/**
 * Whether the browser suites run: yes when Chromium is installed; when it is not, they are skipped
 * with a message — except under CI, where a missing browser is a failure, not a skip.
 */
export function chromiumAvailability(): 'run' | 'skip' | 'fail' {
  if (existsSync(CHROMIUM_PATH)) return 'run';
  return process.env.CI ? 'fail' : 'skip';
}

/** Headless Chromium with a fresh profile, one context; `close()` removes nothing but the browser. */
export function launchChromium(): Promise<BrowserContext> {
  return chromium.launchPersistentContext(tmpDir('dashboard-chromium-'), {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport: LAPTOP_VIEWPORT,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
