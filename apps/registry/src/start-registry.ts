import { Logger } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { bootstrap } from './registry.app';

/**
 * Starts the registry configured by the environment: the one way in for `main.ts` (the webpack bundle,
 * `npm start`, the Docker image) and for `nest-discovery registry` (the package's bin). A registry that
 * cannot start logs why and exits 1.
 * @example void startRegistry();
 */
export function startRegistry(): Promise<NestFastifyApplication> {
  return bootstrap().catch((error: Error) => {
    Logger.error(`Registry failed to start: ${error.message}`, error.stack, 'Registry');
    process.exit(1);
  });
}
