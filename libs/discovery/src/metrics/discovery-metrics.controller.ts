import { Controller, Get, Header, NotFoundException } from '@nestjs/common';
import { Registry } from 'prom-client';
import { DiscoveryMetrics } from './discovery.metrics';

/** `GET /metrics`: the app's metrics in the Prometheus text format; 404 while metrics are disabled. @internal */
@Controller()
export class DiscoveryMetricsController {
  constructor(private readonly metrics: DiscoveryMetrics) {}

  @Get('metrics')
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  scrape(): Promise<string> {
    if (!this.metrics.enabled) throw new NotFoundException('metrics are disabled (DISCOVERY_METRICS=false)');
    return this.metrics.metrics();
  }
}
