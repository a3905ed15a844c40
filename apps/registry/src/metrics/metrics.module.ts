import { Module } from '@nestjs/common';
import { HttpRequestMetrics } from './http-request.metrics';
import { MetricsController } from './metrics.controller';
import { RegistryMetrics } from './registry.metrics';

/**
 * Prometheus metrics at `GET /metrics`: registrations, renewals, deregistrations and expiries by
 * service, instances by service, status and enabled, open watches, request latency by route, and the
 * process's own metrics. Exports {@link RegistryMetrics} for the places that count events.
 * @example @Module({ imports: [MetricsModule] })
 */
@Module({
  controllers: [MetricsController],
  providers: [RegistryMetrics, HttpRequestMetrics],
  exports: [RegistryMetrics],
})
export class MetricsModule {}
