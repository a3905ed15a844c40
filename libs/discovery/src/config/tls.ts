import { DISCOVERY_TLS_VARIABLES, loadTlsFiles, TlsConfigError, TlsFiles, tlsServerOptions } from '@nest-discovery/registry-api';
import type { ServerOptions } from 'node:https';
import { DiscoveryConfigError } from './discovery-config.error';

/**
 * The app's TLS files from `DISCOVERY_TLS_CERT`, `DISCOVERY_TLS_KEY`, `DISCOVERY_TLS_CA` and
 * `DISCOVERY_TLS_CLIENT_AUTH`, read once; undefined when none is set. A bad one throws a
 * {@link DiscoveryConfigError} naming the variable. @internal
 */
export function resolveTls(env: NodeJS.ProcessEnv): TlsFiles | undefined {
  try {
    return loadTlsFiles(env, DISCOVERY_TLS_VARIABLES);
  } catch (error) {
    if (error instanceof TlsConfigError) throw new DiscoveryConfigError(error.variable, error.message);
    throw error;
  }
}

/**
 * The `https` options of the app's own server, from the same variables the library reads
 * (`DISCOVERY_TLS_CERT` + `DISCOVERY_TLS_KEY`; client certificates required, verified by `DISCOVERY_TLS_CA`,
 * when `DISCOVERY_TLS_CLIENT_AUTH=require`), or undefined for plain HTTP. An app serving HTTPS is
 * registered with protocol `https`, so its callers use TLS.
 * @example
 * const https = discoveryHttpsOptions();
 * const app = await NestFactory.create(AppModule, new FastifyAdapter({ ...(https && { https }) }));
 */
export function discoveryHttpsOptions(env: NodeJS.ProcessEnv = process.env): ServerOptions | undefined {
  return tlsServerOptions(resolveTls(env));
}
