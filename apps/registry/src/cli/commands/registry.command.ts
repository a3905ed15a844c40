/**
 * `registry`: runs a registry server in this process, started exactly as `main.ts` starts it (the
 * configuration from the `REGISTRY_*` variables, failing fast on a bad one). Loaded only for this
 * command: the read commands never pay for Nest.
 * @internal
 */
export async function registryCommand(): Promise<void> {
  const { startRegistry } = await import('../../start-registry');
  await startRegistry();
}
