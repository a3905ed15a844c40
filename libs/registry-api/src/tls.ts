import { readFileSync } from 'node:fs';
import { createPrivateKey, X509Certificate } from 'node:crypto';

/**
 * The environment variables one party's TLS settings are read from: the registry's `REGISTRY_TLS_*`,
 * a discovery app's `DISCOVERY_TLS_*` (see {@link REGISTRY_TLS_VARIABLES}, {@link DISCOVERY_TLS_VARIABLES}).
 */
export interface TlsVariables {
  /** PEM certificate (chain) file: served, and presented as a client certificate on the party's own calls. */
  readonly cert: string;
  /** PEM private key file of `cert`. */
  readonly key: string;
  /** PEM CA bundle file: trusted for the party's calls and, when client certificates are required, for them. */
  readonly ca: string;
  /** `none` (default) or `require`: whether the party's server asks for a client certificate signed by `ca`. */
  readonly clientAuth: string;
}

export const REGISTRY_TLS_VARIABLES: TlsVariables = {
  cert: 'REGISTRY_TLS_CERT',
  key: 'REGISTRY_TLS_KEY',
  ca: 'REGISTRY_TLS_CA',
  clientAuth: 'REGISTRY_TLS_CLIENT_AUTH',
};

export const DISCOVERY_TLS_VARIABLES: TlsVariables = {
  cert: 'DISCOVERY_TLS_CERT',
  key: 'DISCOVERY_TLS_KEY',
  ca: 'DISCOVERY_TLS_CA',
  clientAuth: 'DISCOVERY_TLS_CLIENT_AUTH',
};

/** One party's TLS material, read and checked once at start. */
export interface TlsFiles {
  /** The certificate and its key: the party serves HTTPS with them and presents them on its calls (mTLS). */
  readonly identity?: { readonly cert: Buffer; readonly key: Buffer };
  /** Trusted CAs; unset: Node's default roots. */
  readonly ca?: Buffer;
  /** The server refuses a client without a certificate signed by `ca`. */
  readonly requireClientCert: boolean;
}

/** A TLS variable is unusable (a file missing, unreadable, not PEM, or a key that does not match). */
export class TlsConfigError extends Error {
  readonly code = 'TLS_CONFIG_INVALID';
  readonly retryable = false;

  constructor(
    /** The variable at fault. */
    readonly variable: string,
    detail: string,
  ) {
    super(`${variable} ${detail}`);
    this.name = 'TlsConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads the TLS files `variables` name in `env`, or undefined when none is set (plain HTTP). Every file is
 * read and parsed here, once: a missing or unreadable file, a file that is not PEM, a key that does not
 * match its certificate, or an incomplete setting throws a {@link TlsConfigError} naming the variable.
 * @example const tls = loadTlsFiles(process.env, REGISTRY_TLS_VARIABLES);
 */
export function loadTlsFiles(env: Env, variables: TlsVariables): TlsFiles | undefined {
  const certPath = value(env, variables.cert);
  const keyPath = value(env, variables.key);
  const caPath = value(env, variables.ca);
  const clientAuth = value(env, variables.clientAuth)?.toLowerCase() ?? 'none';
  if (clientAuth !== 'none' && clientAuth !== 'require') {
    throw new TlsConfigError(variables.clientAuth, `must be none or require, got "${clientAuth}"`);
  }
  if (certPath === undefined && keyPath === undefined && caPath === undefined && clientAuth === 'none') return undefined;
  if ((certPath === undefined) !== (keyPath === undefined)) {
    const missing = certPath === undefined ? variables.cert : variables.key;
    const set = certPath === undefined ? variables.key : variables.cert;
    throw new TlsConfigError(missing, `must be set when ${set} is`);
  }
  const requireClientCert = clientAuth === 'require';
  if (requireClientCert && certPath === undefined) {
    throw new TlsConfigError(variables.cert, `must be set when ${variables.clientAuth}=require (the server needs a certificate)`);
  }
  if (requireClientCert && caPath === undefined) {
    throw new TlsConfigError(variables.ca, `must be set when ${variables.clientAuth}=require (client certificates are verified by it)`);
  }

  const ca = caPath === undefined ? undefined : readPem(variables.ca, caPath, certificateCheck);
  if (certPath === undefined || keyPath === undefined) return { ca, requireClientCert };
  const cert = readPem(variables.cert, certPath, certificateCheck);
  const key = readPem(variables.key, keyPath, (pem) => void createPrivateKey(pem));
  if (!new X509Certificate(cert).checkPrivateKey(createPrivateKey(key))) {
    throw new TlsConfigError(variables.key, `(${keyPath}) is not the private key of ${variables.cert} (${certPath})`);
  }
  return { identity: { cert, key }, ca, requireClientCert };
}

/**
 * What a TLS client of this party passes to `tls.connect` (undici's `connect`, an `https` Agent): the CA,
 * and the identity as a client certificate (sent only when a server asks for one).
 */
export function tlsClientOptions(files: TlsFiles): { ca?: Buffer; cert?: Buffer; key?: Buffer } {
  return { ...(files.ca && { ca: files.ca }), ...(files.identity && { cert: files.identity.cert, key: files.identity.key }) };
}

/**
 * `https.createServer` options for this party's server (Fastify's `https`), or undefined when it has no
 * certificate (it serves plain HTTP).
 */
export function tlsServerOptions(
  files: TlsFiles | undefined,
): { cert: Buffer; key: Buffer; ca?: Buffer; requestCert: boolean; rejectUnauthorized: boolean } | undefined {
  if (!files?.identity) return undefined;
  return {
    cert: files.identity.cert,
    key: files.identity.key,
    ...(files.ca && { ca: files.ca }),
    requestCert: files.requireClientCert,
    rejectUnauthorized: files.requireClientCert,
  };
}

function value(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
}

function certificateCheck(pem: Buffer): void {
  void new X509Certificate(pem);
}

function readPem(variable: string, path: string, check: (pem: Buffer) => void): Buffer {
  let pem: Buffer;
  try {
    pem = readFileSync(path);
  } catch (error) {
    throw new TlsConfigError(variable, `names a file that cannot be read (${path}): ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    check(pem);
  } catch (error) {
    throw new TlsConfigError(variable, `(${path}) is not a PEM ${variable.endsWith('_KEY') ? 'private key' : 'certificate'}: ${(error as Error).message}`);
  }
  return pem;
}
