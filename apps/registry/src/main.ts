import { Logger } from '@nestjs/common';
import { bootstrap } from './registry.app';

bootstrap().catch((error: Error) => {
  Logger.error(`Registry failed to start: ${error.message}`, error.stack, 'Registry');
  process.exit(1);
});
