import { Module } from '@nestjs/common';

/**
 * Host of the declarative clients registered by {@link DiscoveryModule.forFeature}; its providers
 * are added per call. @internal
 */
@Module({})
export class DiscoveryFeatureModule {}
