import { Module } from '@nestjs/common';
import { DiscoveryMetricsController } from './discovery-metrics.controller';
import { HttpServerMetrics } from './http-server.metrics';

/**
 * Serves {@link DiscoveryMetrics} at `GET /metrics` (Prometheus text format) and times the app's
 * inbound requests (`http_server_request_duration_seconds`, Fastify). Needs `DiscoveryModule.forRoot`
 * (global), which provides the metrics themselves; the call path records them with or without this
 * module. With `DISCOVERY_METRICS=false`, `/metrics` answers 404 and nothing is timed.
 *
 * @example
 * ```ts
 * \@Module({ imports: [DiscoveryModule.forRoot({ name: 'calc' }), DiscoveryMetricsModule] })
 * export class AppModule {}
 * ```
 */
@Module({
  controllers: [DiscoveryMetricsController],
  providers: [HttpServerMetrics],
})
export class DiscoveryMetricsModule {}
