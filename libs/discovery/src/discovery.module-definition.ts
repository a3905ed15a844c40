import { ConfigurableModuleBuilder } from '@nestjs/common';
import { DiscoveryModuleOptions } from './interfaces/discovery-options.interface';

export const {
  ConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN: DISCOVERY_MODULE_OPTIONS,
  OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<DiscoveryModuleOptions>()
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
