import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestCa, TestCa } from '../../../test/fixtures/test-ca';
import { DISCOVERY_TLS_VARIABLES, loadTlsFiles, REGISTRY_TLS_VARIABLES, TlsConfigError, tlsClientOptions, tlsServerOptions } from './tls';

describe('loadTlsFiles', () => {
  let ca: TestCa;
  let server: { cert: string; key: string };
  let other: { cert: string; key: string };

  beforeAll(() => {
    ca = createTestCa();
    server = ca.issue('server');
    other = ca.issue('other');
  });

  const failure = (env: Record<string, string>): TlsConfigError => {
    try {
      loadTlsFiles(env, REGISTRY_TLS_VARIABLES);
    } catch (error) {
      if (error instanceof TlsConfigError) return error;
      throw error;
    }
    throw new Error('no TlsConfigError');
  };

  it('is undefined (plain HTTP) when no variable is set, or all are blank', () => {
    expect(loadTlsFiles({}, REGISTRY_TLS_VARIABLES)).toBeUndefined();
    expect(loadTlsFiles({ REGISTRY_TLS_CERT: ' ', REGISTRY_TLS_CLIENT_AUTH: 'none' }, REGISTRY_TLS_VARIABLES)).toBeUndefined();
  });

  it('reads a certificate, its key and a CA, and builds server and client options from them', () => {
    const files = loadTlsFiles(
      { DISCOVERY_TLS_CERT: server.cert, DISCOVERY_TLS_KEY: server.key, DISCOVERY_TLS_CA: ca.cert, DISCOVERY_TLS_CLIENT_AUTH: 'REQUIRE' },
      DISCOVERY_TLS_VARIABLES,
    );
    expect(files?.identity?.cert.toString()).toContain('BEGIN CERTIFICATE');
    expect(files?.requireClientCert).toBe(true);
    expect(tlsServerOptions(files)).toMatchObject({ requestCert: true, rejectUnauthorized: true, ca: files?.ca });
    expect(Object.keys(tlsClientOptions(files!)).sort()).toEqual(['ca', 'cert', 'key']);
  });

  it('takes a CA alone (a client that trusts it, serving plain HTTP): no server options', () => {
    const files = loadTlsFiles({ REGISTRY_TLS_CA: ca.cert }, REGISTRY_TLS_VARIABLES);
    expect(files).toEqual({ ca: expect.any(Buffer), requireClientCert: false });
    expect(tlsServerOptions(files)).toBeUndefined();
    expect(Object.keys(tlsClientOptions(files!))).toEqual(['ca']);
  });

  it('names the missing half of a certificate and key pair', () => {
    expect(failure({ REGISTRY_TLS_CERT: server.cert }).variable).toBe('REGISTRY_TLS_KEY');
    expect(failure({ REGISTRY_TLS_KEY: server.key }).variable).toBe('REGISTRY_TLS_CERT');
  });

  it('names a file that is missing, and says which path', () => {
    const error = failure({ REGISTRY_TLS_CERT: '/nonexistent/server.crt', REGISTRY_TLS_KEY: server.key });
    expect(error.variable).toBe('REGISTRY_TLS_CERT');
    expect(error.message).toBe('REGISTRY_TLS_CERT names a file that cannot be read (/nonexistent/server.crt): ENOENT');
    expect(failure({ REGISTRY_TLS_CA: ca.dir }).message).toContain('REGISTRY_TLS_CA names a file that cannot be read');
  });

  it('names a file that is not PEM', () => {
    const junk = join(ca.dir, 'junk.pem');
    writeFileSync(junk, 'not a certificate');
    expect(failure({ REGISTRY_TLS_CA: junk }).message).toMatch(/^REGISTRY_TLS_CA \(.*junk.pem\) is not a PEM certificate/);
    expect(failure({ REGISTRY_TLS_CERT: server.cert, REGISTRY_TLS_KEY: junk }).message).toMatch(/^REGISTRY_TLS_KEY \(.*\) is not a PEM private key/);
  });

  it('refuses a key that is not the certificate’s', () => {
    const error = failure({ REGISTRY_TLS_CERT: server.cert, REGISTRY_TLS_KEY: other.key });
    expect(error.variable).toBe('REGISTRY_TLS_KEY');
    expect(error.message).toContain('is not the private key of REGISTRY_TLS_CERT');
  });

  it('requires a certificate and a CA for client authentication, and knows only none and require', () => {
    expect(failure({ REGISTRY_TLS_CLIENT_AUTH: 'require', REGISTRY_TLS_CA: ca.cert }).variable).toBe('REGISTRY_TLS_CERT');
    expect(failure({ REGISTRY_TLS_CLIENT_AUTH: 'require', REGISTRY_TLS_CERT: server.cert, REGISTRY_TLS_KEY: server.key }).variable).toBe(
      'REGISTRY_TLS_CA',
    );
    expect(failure({ REGISTRY_TLS_CLIENT_AUTH: 'optional' }).message).toBe('REGISTRY_TLS_CLIENT_AUTH must be none or require, got "optional"');
  });
});
