/**
 * `registry`: runs a registry server in this process, started exactly as `main.ts` starts it (the
 * configuration from the `REGISTRY_*` variables, failing fast on a bad one). Loaded only for this
 * command: the read commands never pay for Nest.
 * @internal
 */
export async function registryCommand(): Promise<void> {
  // require, not import(): the package is CommonJS, and a dynamic import() would stay an ES import that
  // needs the compiled file's extension.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startRegistry } = require('../../start-registry') as typeof import('../../start-registry');
  await startRegistry();
}
