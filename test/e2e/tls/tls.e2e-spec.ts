import { createServer, Server } from 'node:https';
import { readFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import type { RegistryInstance as Instance } from '@nest-discovery/registry-api';
import { Agent } from 'undici';
import { CertFiles, createTestCa, TestCa } from '../../fixtures/test-ca';
import { freePort } from '../helpers/free-port';
import { http } from '../helpers/http';
import { RunningApp, startApp, stopAll } from '../helpers/spawn-app';
import { tmpDir } from '../helpers/tmp-dir';
import { waitFor } from '../helpers/wait-for';


/** Fast renewals, and the library's default check (GET /health) every second. */
const DISCOVERY = { DISCOVERY_HEARTBEAT_MS: '300', DISCOVERY_TTL_SECONDS: '5', DISCOVERY_CHECK_INTERVAL_SECONDS: '1' };
const FAST_CHECK = { type: 'http', path: '/health', intervalSeconds: 1, timeoutSeconds: 1, failuresBeforeCritical: 2, successesBeforePassing: 1 };
const WAIT = { timeoutMs: 20_000, intervalMs: 50 };
const CLOSE_TIMEOUT_MS = 5_000;
/**
 * How a refused client certificate shows on the client: with TLS 1.3 the server's alert comes after the
 * client's handshake finished, so the client sees it as the alert or as the socket closing, whichever wins.
 */
const REFUSED = { code: expect.stringMatching(/^(UND_ERR_SOCKET|ECONNRESET|ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED)$/) };

/** A client trusting `ca`, with `identity` as its client certificate when given. */
function tlsAgent(ca: TestCa, identity?: CertFiles): Agent {
  return new Agent({
    connect: {
      ca: readFileSync(ca.cert),
      ...(identity && { cert: readFileSync(identity.cert), key: readFileSync(identity.key) }),
    },
  });
}

/** A fake instance: HTTPS with `identity` on `host`, answering 200 to everything. */
async function fakeHttpsInstance(identity: CertFiles, host: string): Promise<Server> {
  const server = createServer({ cert: readFileSync(identity.cert), key: readFileSync(identity.key) }, (_req, res) => res.end('ok'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  return server;
}

function closeBounded(server: Server): Promise<void> {
  server.closeAllConnections();
  return Promise.race([
    new Promise<void>((resolve) => server.close(() => resolve())),
    new Promise<void>((resolve) => setTimeout(resolve, CLOSE_TIMEOUT_MS).unref()),
  ]);
}

/**
 * The issue's TLS test, real processes and real handshakes: a CA made in the test (openssl), a registry
 * serving HTTPS that requires client certificates, a calc serving HTTPS that requires them too, a gateway
 * serving HTTPS; all of them register and watch through the CA, the gateway calls calc over mutual TLS, and
 * the registry's HTTP check of an https instance passes, and fails for a wrong certificate or no listener.
 */
describe('TLS and mutual TLS across the system (real processes, a CA made in the test)', () => {
  let ca: TestCa;
  let registry: RunningApp;
  let calc: RunningApp;
  let gateway: RunningApp;
  /** Trusts the CA and shows a certificate it issued. */
  let withCert: Agent;
  /** Trusts the CA, no client certificate. */
  let withoutCert: Agent;
  const fakes: Server[] = [];

  const instances = async (service: string): Promise<Instance[]> =>
    (await http<Instance[]>(`${registry.url}/service/${service}?status=all`, { dispatcher: withCert })).body;

  beforeAll(async () => {
    ca = createTestCa();
    const registryCert = ca.issue('registry');
    const calcCert = ca.issue('calc');
    const gatewayCert = ca.issue('gateway');
    withCert = tlsAgent(ca, ca.issue('operator'));
    withoutCert = tlsAgent(ca);

    registry = await startApp('registry', {
      REGISTRY_HOST: '127.0.0.1',
      REGISTRY_DATA_DIR: tmpDir(),
      REGISTRY_SWEEP_INTERVAL_MS: '100',
      REGISTRY_TLS_CERT: registryCert.cert,
      REGISTRY_TLS_KEY: registryCert.key,
      REGISTRY_TLS_CA: ca.cert,
      REGISTRY_TLS_CLIENT_AUTH: 'require',
    });
    const library = { REGISTRY_URL: registry.url, DISCOVERY_TLS_CA: ca.cert, HOST: '127.0.0.1', ...DISCOVERY };
    calc = await startApp('calc', {
      ...library,
      DISCOVERY_TLS_CERT: calcCert.cert,
      DISCOVERY_TLS_KEY: calcCert.key,
      DISCOVERY_TLS_CLIENT_AUTH: 'require',
    });
    gateway = await startApp('gateway', { ...library, DISCOVERY_TLS_CERT: gatewayCert.cert, DISCOVERY_TLS_KEY: gatewayCert.key });
    await waitFor(
      async () => {
        const [calcs, gateways] = await Promise.all([instances('calc'), instances('gateway')]);
        return calcs.length === 1 && calcs[0].checkOutput !== undefined && gateways.length === 1;
      },
      { ...WAIT, message: 'calc and the gateway registered, calc probed once' },
    );
  }, 90_000);

  afterAll(async () => {
    await Promise.all(fakes.map(closeBounded));
    await stopAll();
    await Promise.all([withCert?.destroy(), withoutCert?.destroy()]);
  });

  it('every app serves HTTPS', () => {
    expect([registry.url, calc.url, gateway.url].map((url) => new URL(url).protocol)).toEqual(['https:', 'https:', 'https:']);
  });

  it('the registry answers a client with a certificate from the CA and refuses one without (or one not trusting it)', async () => {
    expect((await http(`${registry.url}/services`, { dispatcher: withCert })).status).toBe(200);
    await expect(http(`${registry.url}/services`, { dispatcher: withoutCert })).rejects.toMatchObject(REFUSED);
    const untrusting = new Agent();
    try {
      await expect(http(`${registry.url}/services`, { dispatcher: untrusting })).rejects.toMatchObject({
        code: expect.stringMatching(/CERT|SIGNED/),
      });
    } finally {
      await untrusting.destroy();
    }
  });

  it('calc and the gateway, serving HTTPS, are registered as https; calc’s HTTP check over mutual TLS passes', async () => {
    const [calcs, gateways] = await Promise.all([instances('calc'), instances('gateway')]);
    expect(calcs.map((i) => [i.protocol, i.port, i.status, i.checkOutput])).toEqual([['https', calc.port, 'passing', 'HTTP 200']]);
    expect(gateways.map((i) => [i.protocol, i.port])).toEqual([['https', gateway.port]]);
  });

  it('the gateway calls calc through its declarative client over mutual TLS, having found it through the registry', async () => {
    const response = await http<{ result: number }>(`${gateway.url}/calc/add/1/2`, { dispatcher: withoutCert });
    expect(response).toMatchObject({ status: 200, body: { result: 3 } });
  });

  it('calc refuses a caller without a client certificate and answers one with', async () => {
    await expect(http(`${calc.url}/add/1/2`, { dispatcher: withoutCert })).rejects.toMatchObject(REFUSED);
    expect(await http(`${calc.url}/add/1/2`, { dispatcher: withCert })).toMatchObject({ status: 200, body: { result: 3 } });
  });

  it('the registry’s HTTP check of an https instance passes with the CA’s certificate, fails for a foreign one or no listener', async () => {
    const good = await fakeHttpsInstance(ca.issue('fake-good'), '127.0.0.2');
    const rogueCa = createTestCa('rogue CA');
    const rogue = await fakeHttpsInstance(rogueCa.issue('fake-rogue'), '127.0.0.2');
    fakes.push(good, rogue);
    const silentPort = await freePort();
    const register = async (id: string, host: string, port: number): Promise<void> => {
      const body = { name: 'fake', id, host, port, protocol: 'https', ttlSeconds: 300, check: FAST_CHECK };
      const answer = await http(`${registry.url}/register`, { method: 'POST', body, dispatcher: withCert });
      expect(answer.status).toBeLessThan(300);
    };
    await register('good', '127.0.0.2', (good.address() as AddressInfo).port);
    await register('rogue', '127.0.0.2', (rogue.address() as AddressInfo).port);
    await register('silent', '127.0.0.3', silentPort);

    const settled = await waitFor(
      async () => {
        const byId = new Map((await instances('fake')).map((i) => [i.id, i]));
        const done =
          byId.get('good')?.checkOutput === 'HTTP 200' && byId.get('rogue')?.status === 'critical' && byId.get('silent')?.status === 'critical';
        return done ? byId : undefined;
      },
      { ...WAIT, message: 'the good fake probed passing, the rogue and silent ones critical' },
    );
    expect(settled.get('good')?.status).toBe('passing');
    expect(settled.get('rogue')?.checkOutput).toMatch(/certificate|CERT/i);
    expect(settled.get('silent')?.checkOutput).toMatch(/ECONNREFUSED|connect/);
  });

  it('an app whose TLS file cannot be read stops at start naming the variable', async () => {
    await expect(startApp('registry', { REGISTRY_DATA_DIR: tmpDir(), REGISTRY_TLS_CA: '/nonexistent/ca.pem' })).rejects.toThrow(
      /exited with 1 before listening[\s\S]*REGISTRY_TLS_CA names a file that cannot be read \(\/nonexistent\/ca.pem\)/,
    );
    await expect(startApp('calc', { REGISTRY_URL: registry.url, HOST: '127.0.0.1', DISCOVERY_TLS_CA: '/nonexistent/ca.pem' })).rejects.toThrow(
      /exited with 1 before listening[\s\S]*DISCOVERY_TLS_CA names a file that cannot be read/,
    );
  });
});
