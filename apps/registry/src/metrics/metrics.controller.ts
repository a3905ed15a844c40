import { Controller, Get, Header } from '@nestjs/common';
import { Registry } from 'prom-client';
import { RequireScope } from '../registry/auth/require-scope.decorator';
import { RegistryMetrics } from './registry.metrics';

/** `GET /metrics`: every metric in the Prometheus text format. Open, like the other reads. */
@RequireScope('read')
@Controller()
export class MetricsController {
  constructor(private readonly metrics: RegistryMetrics) {}

  @Get('metrics')
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
