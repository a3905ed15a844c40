import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Path of a contract in the repo's `proto/` folder, for every app of the monorepo: beside the app's
 * bundle in a build (nest-cli's webpack hook copies `proto/` to `dist/apps/<app>/proto`, and a bundle's
 * `__dirname` is its own folder), else the repo's own `proto/` (ts-node, tests: four levels above this file).
 *
 * @example DiscoveryModule.forGrpcClients([{ service: 'calc', protoPath: protoFile('calc.proto'), grpcService: 'calc.Calculator' }])
 */
export function protoFile(name: string): string {
  const candidates = [join(__dirname, 'proto', name), join(__dirname, '..', '..', '..', '..', 'proto', name)];
  return candidates.find((path) => existsSync(path)) ?? candidates[0];
}
