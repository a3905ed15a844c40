import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { RunningApp, startApp } from '../helpers/spawn-app';
import { waitFor } from '../helpers/wait-for';
import { calc, http, InstanceJson, register } from '../registry/registry.harness';
import { CHROMIUM_MISSING, chromiumAvailability, launchChromium } from './browser';
import { DEMO_CRITICAL_GRPC, registerDemoFleet, startDemoApps } from './demo-services';
import { FakeApp, startFakeApp } from './fake-app';
import { bootUiRegistry, UiRegistry } from './ui-registry';

jest.setTimeout(60_000);

const availability = chromiumAvailability();
if (availability === 'skip') {
  process.stderr.write(`\n[e2e] registry dashboard browser tests skipped: ${CHROMIUM_MISSING}\n`);
}
const suite = availability === 'skip' ? describe.skip : describe;

/** Fast checks: a probe a second, critical after one failure. */
const FAST = { intervalSeconds: 1, timeoutSeconds: 1, failuresBeforeCritical: 1, successesBeforePassing: 1 };

/** An instance as the registry answers it, with its named endpoints (issue 12). */
type InstanceWithEndpoints = InstanceJson & { endpointHealth?: Record<string, { status: string; checkOutput?: string }> };

/** Where `DASHBOARD_SCREENSHOTS=1` saves the README's picture. */
const SCREENSHOT = join(__dirname, '..', '..', '..', 'docs', 'dashboard.png');

suite('registry dashboard in Chromium', () => {
  let browser: BrowserContext;
  let registry: UiRegistry;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    if (availability === 'fail') throw new Error(`CI is set and ${CHROMIUM_MISSING}`);
    browser = await launchChromium();
  });

  afterAll(async () => {
    if (browser === undefined) return;
    await bounded(browser.close(), 'closing Chromium').catch((error: Error) => process.stderr.write(`[e2e] ${error.message}\n`));
  });

  beforeEach(async () => {
    registry = await bootUiRegistry();
    page = await browser.newPage();
    problems = [];
    // A CSP violation or a script error shows up here; the page must have none.
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
  });

  afterEach(async () => {
    // Bounded, and named: a hang here must say which step hung instead of eating the hook's timeout.
    // A page that will not close (a starved renderer on a loaded CI machine) is left to the browser's own
    // close in afterAll: it is not what these tests are about, and the next test gets a fresh page anyway.
    await bounded(page.close({ runBeforeUnload: false }), 'closing the page').catch((error: Error) =>
      process.stderr.write(`[e2e] ${error.message}; leaving it to the browser's close\n`),
    );
    await bounded(registry.close(), 'closing the registry');
    expect(problems).toEqual([]);
  });

  async function bounded(step: Promise<unknown>, what: string, ms = 15_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
    });
    try {
      await Promise.race([step, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Opens the dashboard through `/` and waits until its watch answered. */
  async function open(): Promise<void> {
    await page.goto(`${registry.url}/`);
    expect(new URL(page.url()).pathname).toBe('/ui/');
    await page.locator('#connection[data-state="live"]').waitFor();
    // Anything that reloads the page wipes this; the checks below read it back.
    await page.evaluate("window.dashboardLoadMarker = 'same page'");
  }

  const notReloaded = (): Promise<unknown> => page.evaluate('window.dashboardLoadMarker');
  const row = (id: string) => page.locator(`tr[data-instance-id="${id}"]`);
  /** One attribute of every element the selector matches, in page order. */
  const attributes = async (selector: string, name: string): Promise<(string | null)[]> =>
    Promise.all((await page.locator(selector).all()).map((element) => element.getAttribute(name)));

  it('shows a newly registered instance without a reload, with its fields and a ticking heartbeat age', async () => {
    await open();
    await expect(page.locator('main').textContent()).resolves.toContain('No services registered yet.');

    const { body } = await register(
      registry.url,
      calc({ id: 'calc-1', port: 8081, tags: ['v2', 'blue'], metadata: { zone: 'eu-1' }, weight: 3, ttlSeconds: 60 }),
    );
    await row('calc-1').waitFor({ timeout: 3_000 });
    expect(await notReloaded()).toBe('same page');

    const cells = await row('calc-1').locator('td').allTextContents();
    expect(cells.slice(0, 8)).toEqual(['calc-1', '127.0.0.1:8081', 'http', 'passing', 'yes', '3', 'v2blue', 'zone=eu-1']);
    expect(cells[8]).toMatch(/^\d+s ago$/);
    const service = page.locator('section[data-service="calc"]');
    await expect(service.locator('[data-count="instances"]').textContent()).resolves.toBe('1 instance');
    await expect(service.locator('[data-count="passing"]').textContent()).resolves.toBe('1 passing');
    await page.locator(`[data-fact="revision"] dd:text-is("${body.revision}")`).waitFor();
    await expect(page.locator('[data-fact="store"] dd').textContent()).resolves.toBe('memory');

    // The age ticks in the page, without any answer from the registry.
    const heartbeat = row('calc-1').locator('td[data-heartbeat]');
    const before = await heartbeat.textContent();
    await waitFor(async () => (await heartbeat.textContent()) !== before, { timeoutMs: 3_000, message: 'the age to tick' });

    // The registry reports operator controls in /health: the row offers a drain.
    await expect(row('calc-1').locator('button[data-action="drain"]').count()).resolves.toBe(1);
    expect(await notReloaded()).toBe('same page');
  });

  it('drops an instance that stops (deregisters) or expires, without a reload', async () => {
    let calcApp: RunningApp | undefined;
    try {
      await open();
      calcApp = await startApp('calc', { REGISTRY_URL: registry.url, DISCOVERY_INSTANCE_ID: 'calc-real' });
      // A TTL long enough for the page to show it first, even when a busy machine delays the page's watch.
      await register(registry.url, calc({ id: 'calc-short', port: 8090, ttlSeconds: 3 }));
      await row('calc-real').waitFor({ timeout: 5_000 });
      await row('calc-short').waitFor({ timeout: 3_000 });

      // A real calc, stopped: it deregisters on the way out.
      await calcApp.stop('SIGTERM');
      calcApp = undefined;
      await row('calc-real').waitFor({ state: 'detached', timeout: 3_000 });

      // One that stops renewing: the registry evicts it after its TTL.
      await row('calc-short').waitFor({ state: 'detached', timeout: 8_000 });
      await page.locator('main p.empty:text-is("No services registered yet.")').waitFor();
      expect(await notReloaded()).toBe('same page');
    } finally {
      await calcApp?.kill();
    }
  });

  it('filters by service name and by tag, and counts what it shows', async () => {
    await registerDemoFleet(registry.url);
    await open();
    await row('orders-a41f02').waitFor();
    await expect(page.locator('#summary').textContent()).resolves.toBe('5 services, 9 instances');

    await page.fill('#filter-name', 'ord');
    await waitFor(async () => (await attributes('section[data-service]', 'data-service')).join() === 'orders', {
      message: 'only orders to be shown',
    });
    await expect(page.locator('#summary').textContent()).resolves.toBe('showing 1 of 5 services (2 of 9 instances)');

    await page.fill('#filter-name', '');
    await page.fill('#filter-tag', 'v2');
    await waitFor(async () => (await attributes('section[data-service]', 'data-service')).join() === 'calc,orders', {
      message: 'the services with tag v2',
    });
    const shown = await attributes('tr[data-instance-id]', 'data-instance-id');
    expect(shown).toEqual(['calc-2b81d0', 'calc-91ce44', 'calc-e4a7b3', 'orders-a41f02']);
    // The filter is in the URL, so the view can be shared.
    expect(new URL(page.url()).searchParams.get('tag')).toBe('v2');
  });

  it('drains an instance and sets a weight from the page, asking for the token once, and the registry changes', async () => {
    await registry.close();
    registry = await bootUiRegistry({ token: 's3cret' });
    const token = { authorization: 'Bearer s3cret' };
    await register(registry.url, calc({ id: 'calc-1', ttlSeconds: 60 }), { token: 's3cret' });
    await register(registry.url, calc({ id: 'calc-2', port: 8082, ttlSeconds: 60 }), { token: 's3cret' });
    const patches: { url: string; authorization?: string; body: unknown }[] = [];
    page.on('request', (request) => {
      if (request.method() !== 'PATCH') return;
      patches.push({ url: new URL(request.url()).pathname, authorization: request.headers().authorization, body: request.postDataJSON() });
    });

    await open();
    const drain = row('calc-1').locator('button[data-action="drain"]');
    await drain.click();
    // The first PATCH goes without a token, is refused, and the page asks for one.
    await page.locator('#token-dialog[open]').waitFor();
    await page.fill('#token-input', 's3cret');
    await page.click('#token-dialog button[type="submit"]');
    await page.locator('#notice:text-is("calc-1 drained")').waitFor();

    // The registry changed: calc-1 is out of lookups, and the page shows it drained without a reload.
    const lookup = await http<{ id: string }[]>(`${registry.url}/service/calc`);
    expect(lookup.body.map((instance) => instance.id)).toEqual(['calc-2']);
    const cell = (id: string, field: string) => row(id).locator(`td[data-field="${field}"]`);
    await waitFor(async () => (await cell('calc-1', 'enabled').textContent()) === 'drained', { message: 'calc-1 shown drained' });
    await row('calc-1').locator('button[data-action="enable"]').waitFor();

    await row('calc-2').locator('input.weight-input').fill('7');
    await row('calc-2').locator('button.set-weight').click();
    await page.locator('#notice:text-is("weight of calc-2 set to 7")').waitFor();
    await waitFor(async () => (await cell('calc-2', 'weight').textContent()) === '7', { message: 'calc-2 shown with weight 7' });
    const all = await http<{ id: string; weight: number; enabled: boolean }[]>(`${registry.url}/service/calc?status=all`, { headers: token });
    expect(all.body.map(({ id, weight, enabled }) => ({ id, weight, enabled }))).toEqual([
      { id: 'calc-1', weight: 1, enabled: false },
      { id: 'calc-2', weight: 7, enabled: true },
    ]);

    // And back: enabling it puts it into lookups again, with the token the session kept (no second dialog).
    await row('calc-1').locator('button[data-action="enable"]').click();
    await page.locator('#notice:text-is("calc-1 enabled")').waitFor();
    await waitFor(async () => (await http<unknown[]>(`${registry.url}/service/calc`)).body.length === 2, {
      message: 'calc-1 back in lookups',
    });

    expect(patches).toEqual([
      { url: '/service/calc/calc-1', authorization: undefined, body: { enabled: false } },
      { url: '/service/calc/calc-1', authorization: 'Bearer s3cret', body: { enabled: false } },
      { url: '/service/calc/calc-2', authorization: 'Bearer s3cret', body: { weight: 7 } },
      { url: '/service/calc/calc-1', authorization: 'Bearer s3cret', body: { enabled: true } },
    ]);
    await expect(page.evaluate("sessionStorage.getItem('registry-dashboard-token')")).resolves.toBe('s3cret');
    // The 401 of the first attempt is the only console error allowed.
    problems = problems.filter((problem) => !problem.includes('401'));
  });

  it('refuses an operator change with a write token and asks again; the admin token drains, and is kept for this tab only', async () => {
    await registry.close();
    registry = await bootUiRegistry({ tokens: { read: [], write: ['w-token'], admin: ['a-token'] } });
    await register(registry.url, calc({ id: 'calc-1', ttlSeconds: 60 }), { token: 'w-token' });

    await open();
    await row('calc-1').locator('button[data-action="drain"]').click();
    await page.locator('#token-dialog[open]').waitFor();
    await page.fill('#token-input', 'w-token');
    await page.click('#token-dialog button[type="submit"]');
    // A write token is known but too narrow: 403, nothing changed.
    await page.locator('#notice[data-tone="error"]').waitFor();
    expect(await page.locator('#notice').textContent()).toMatch(/calc-1: .*admin token/);
    expect((await http<unknown[]>(`${registry.url}/service/calc`)).body).toHaveLength(1);

    // The next try drops the refused token and asks again; the admin token drains.
    await row('calc-1').locator('button[data-action="drain"]').click();
    await page.locator('#token-dialog[open]').waitFor();
    await page.fill('#token-input', 'a-token');
    await page.click('#token-dialog button[type="submit"]');
    await page.locator('#notice:text-is("calc-1 drained")').waitFor();
    expect((await http<unknown[]>(`${registry.url}/service/calc`)).body).toEqual([]);
    await expect(page.evaluate("sessionStorage.getItem('registry-dashboard-token')")).resolves.toBe('a-token');

    // Another tab of the same browser does not have it.
    const other = await browser.newPage();
    try {
      await other.goto(`${registry.url}/ui/`);
      await expect(other.evaluate("sessionStorage.getItem('registry-dashboard-token')")).resolves.toBeNull();
    } finally {
      await bounded(other.close({ runBeforeUnload: false }), 'closing the other tab');
    }
    problems = problems.filter((problem) => !/40[13]/.test(problem));
  });

  it('asks for a token when reads need one: cancelled, it stays locked until asked again; a read token shows the live list', async () => {
    await registry.close();
    registry = await bootUiRegistry({ tokens: { read: ['r-token'], write: ['w-token'], admin: [] } });
    await register(registry.url, calc({ id: 'calc-1', ttlSeconds: 60 }), { token: 'w-token' });

    await page.goto(`${registry.url}/ui/`);
    await page.locator('#token-dialog[open]').waitFor();
    expect(await page.locator('#token-why').textContent()).toMatch(/Reading this registry needs a token/);
    await page.click('#token-cancel');
    // Cancelled: locked, nothing listed, no second dialog until the operator asks for one.
    await page.locator('#connection[data-state="locked"]').waitFor();
    await page.locator('#enter-token:visible').waitFor();
    expect(await page.locator('#token-dialog[open]').count()).toBe(0);
    expect(await page.locator('tr[data-instance-id="calc-1"]').count()).toBe(0);

    await page.click('#enter-token');
    await page.locator('#token-dialog[open]').waitFor();
    await page.fill('#token-input', 'r-token');
    await page.click('#token-dialog button[type="submit"]');
    await page.locator('#connection[data-state="live"]').waitFor();
    await row('calc-1').waitFor();
    await expect(page.evaluate("sessionStorage.getItem('registry-dashboard-token')")).resolves.toBe('r-token');

    // A registration after that reaches the page through the watch, which now carries the token.
    await register(registry.url, calc({ id: 'calc-2', port: 8082, ttlSeconds: 60 }), { token: 'w-token' });
    await row('calc-2').waitFor();
    problems = problems.filter((problem) => !/401/.test(problem));
  });

  it('shows one row per instance with its named endpoints, each with its own check state; a critical endpoint leaves the row routable', async () => {
    const apps: FakeApp[] = [];
    try {
      const healthy = await startFakeApp({ grpcStatus: 'SERVING' });
      const degraded = await startFakeApp({ grpcStatus: 'NOT_SERVING' });
      apps.push(healthy, degraded);
      const checked = (id: string, app: FakeApp) => calc({
        id, port: app.httpPort, ttlSeconds: 60,
        check: { type: 'http', path: '/health', ...FAST },
        endpoints: { grpc: { port: app.grpcPort, check: { type: 'grpc', ...FAST } } },
      });
      for (const body of [
        checked('calc-a', healthy),
        checked('calc-b', degraded),
        // No checks at all: both endpoints (listed by name) are passing (no endpointHealth entry), the check cells say so with a dash.
        calc({ id: 'calc-c', port: 8083, ttlSeconds: 60, endpoints: { grpc: { port: 50051 }, admin: { port: 9464, protocol: 'http' } } }),
      ]) {
        const { status, text } = await register(registry.url, body);
        if (status >= 300) throw new Error(`register ${String(body.id)} answered ${status}: ${text}`);
      }
      await open();

      // calc-b's gRPC server says NOT_SERVING: its endpoint turns critical, in the page without a reload.
      const line = (id: string, field: string, endpoint?: string) =>
        row(id).locator(`td[data-field="${field}"] .line[data-${endpoint === undefined ? 'line="primary"' : `endpoint="${endpoint}"`}]`);
      await waitFor(async () => (await line('calc-b', 'status', 'grpc').textContent()) === 'critical', {
        timeoutMs: 10_000,
        message: 'calc-b’s grpc endpoint shown critical',
      });
      await waitFor(async () => (await line('calc-a', 'check', 'grpc').textContent()) === 'grpc: SERVING', {
        timeoutMs: 10_000,
        message: 'calc-a’s grpc check shown passing',
      });
      expect(await notReloaded()).toBe('same page');

      // One row per instance (process), its primary first, then each endpoint: name and port, protocol, status, check.
      expect(await attributes('section[data-service="calc"] tr[data-instance-id]', 'data-instance-id')).toEqual(['calc-a', 'calc-b', 'calc-c']);
      const lines = (id: string, field: string) => row(id).locator(`td[data-field="${field}"] .line`).allTextContents();
      const host = '127.0.0.1';
      expect(await lines('calc-a', 'address')).toEqual([`${host}:${healthy.httpPort}`, `grpc :${healthy.grpcPort}`]);
      expect(await lines('calc-a', 'protocol')).toEqual(['http', 'grpc']);
      expect(await lines('calc-a', 'status')).toEqual(['passing', 'passing']);
      expect(await lines('calc-a', 'check')).toEqual(['http: HTTP 200', 'grpc: SERVING']);
      expect(await lines('calc-b', 'address')).toEqual([`${host}:${degraded.httpPort}`, `grpc :${degraded.grpcPort}`]);
      expect(await lines('calc-b', 'status')).toEqual(['passing', 'critical']);
      expect(await lines('calc-b', 'check')).toEqual(['http: HTTP 200', 'grpc: NOT_SERVING']);
      expect(await lines('calc-c', 'address')).toEqual([`${host}:8083`, 'admin :9464', 'grpc :50051']);
      expect(await lines('calc-c', 'protocol')).toEqual(['http', 'http', 'grpc']);
      expect(await lines('calc-c', 'status')).toEqual(['passing', 'passing', 'passing']);
      expect(await lines('calc-c', 'check')).toEqual(['—', '—', '—']);
      await expect(line('calc-b', 'address', 'grpc').locator('span[title]').getAttribute('title')).resolves.toBe(
        `grpc: ${host}:${degraded.grpcPort}`,
      );

      // The critical endpoint is marked on the row and counted, while the instances stay counted as processes.
      await expect(row('calc-b').getAttribute('class')).resolves.toContain('endpoint-critical');
      await expect(line('calc-b', 'status', 'grpc').locator('.status').getAttribute('class')).resolves.toContain('tone-bad');
      await expect(row('calc-a').getAttribute('class')).resolves.toBeNull();
      const service = page.locator('section[data-service="calc"]');
      await expect(service.locator('[data-count="instances"]').textContent()).resolves.toBe('3 instances');
      await expect(service.locator('[data-count="passing"]').textContent()).resolves.toBe('3 passing');
      await expect(service.locator('[data-count="endpoints-critical"]').textContent()).resolves.toBe('1 endpoint critical');
      await expect(page.locator('#summary').textContent()).resolves.toBe('1 service, 3 instances');

      // calc-b is still routable over HTTP; the registry's answer is what the page showed.
      const lookup = await http<InstanceWithEndpoints[]>(`${registry.url}/service/calc`);
      expect(lookup.body.map((instance) => instance.id)).toEqual(['calc-a', 'calc-b', 'calc-c']);
      expect(lookup.body[1].endpointHealth?.grpc).toMatchObject({ status: 'critical', checkOutput: 'NOT_SERVING' });

      // Drain acts on the instance as a whole: one PATCH of calc-b, its whole row drained, out of lookups.
      const patches: string[] = [];
      page.on('request', (request) => request.method() === 'PATCH' && patches.push(new URL(request.url()).pathname));
      await row('calc-b').locator('button[data-action="drain"]').click();
      await page.locator('#notice:text-is("calc-b drained")').waitFor();
      await waitFor(async () => (await row('calc-b').locator('td[data-field="enabled"]').textContent()) === 'drained', {
        message: 'calc-b shown drained',
      });
      expect(patches).toEqual(['/service/calc/calc-b']);
      expect(await lines('calc-b', 'status')).toEqual(['passing', 'critical']);
      const after = await http<InstanceJson[]>(`${registry.url}/service/calc`);
      expect(after.body.map((instance) => instance.id)).toEqual(['calc-a', 'calc-c']);
    } finally {
      await Promise.all(apps.map((app) => app.close()));
    }
  });

  (process.env.DASHBOARD_SCREENSHOTS ? it : it.skip)('saves docs/dashboard.png (DASHBOARD_SCREENSHOTS=1)', async () => {
    const apps = await startDemoApps();
    try {
      await registerDemoFleet(registry.url, { apps });
      // Renew a few now and then, so the heartbeat ages differ as they do in a live fleet.
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      await registerDemoFleet(registry.url, { apps, only: (instance) => /calc|payments/.test(String(instance.id)) });
      // An operator drained the canary and reweighed a payments instance: both show in the picture.
      await http(`${registry.url}/service/orders/orders-a41f02`, { method: 'PATCH', body: { enabled: false } });
      await http(`${registry.url}/service/payments/payments-8aa210`, { method: 'PATCH', body: { weight: 2 } });
      // One calc's gRPC server reports NOT_SERVING: its grpc endpoint is critical, its HTTP side still routable.
      await waitFor(async () => {
        const calcs = (await http<InstanceWithEndpoints[]>(`${registry.url}/service/calc`)).body;
        return calcs.find((instance) => instance.id === DEMO_CRITICAL_GRPC)?.endpointHealth?.grpc?.status === 'critical';
      }, { timeoutMs: 15_000, message: `${DEMO_CRITICAL_GRPC}'s grpc endpoint to turn critical` });
      await open();
      await row('inventory-0c5f73').waitFor();
      // One refresh of heartbeats and /health (every 5 s), so the ages and the watcher count are current.
      await page.waitForTimeout(6_000);
      await page.screenshot({ path: SCREENSHOT });
      const { status } = await http(`${registry.url}/health`);
      expect(status).toBe(200);
    } finally {
      await Promise.all([...apps.values()].map((app) => app.close()));
    }
  });
});
