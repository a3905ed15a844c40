import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import axios, { AxiosInstance } from 'axios';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { ConnectionOptions } from 'node:tls';
import { Readable } from 'node:stream';
import { ServiceInstance } from '../interfaces/service-instance.interface';
import { HttpTransport, TransportRequest, TransportResponse } from './http-transport.interface';

/**
 * HTTP over axios with keep-alive agents. Kept only so it can be measured against
 * {@link UndiciTransport} (see bench/transport.bench.ts); select it with `DISCOVERY_TRANSPORT=axios`.
 */
@Injectable()
export class AxiosTransport implements HttpTransport, OnApplicationShutdown {
  private readonly httpAgent: HttpAgent;
  private readonly httpsAgent: HttpsAgent;
  private readonly axios: AxiosInstance;

  constructor(options: { connections?: number; tls?: ConnectionOptions } = {}) {
    const maxSockets = options.connections ?? 32;
    this.httpAgent = new HttpAgent({ keepAlive: true, maxSockets });
    this.httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets, ...options.tls });
    this.axios = axios.create({
      httpAgent: this.httpAgent,
      httpsAgent: this.httpsAgent,
      responseType: 'stream',
      // Statuses are the call path's business, not axios's.
      validateStatus: () => true,
      maxRedirects: 0,
      decompress: false,
      transformRequest: [(data: unknown) => data],
      // Timeouts surface as ETIMEDOUT rather than ECONNABORTED.
      transitional: { clarifyTimeoutError: true },
    });
  }

  async send(instance: ServiceInstance, request: TransportRequest, signal?: AbortSignal): Promise<TransportResponse> {
    const scheme = instance.protocol === 'https' ? 'https' : 'http';
    const response = await this.axios.request<Readable>({
      url: `${scheme}://${instance.host}:${instance.port}${request.path}`,
      method: request.method,
      headers: request.headers as Record<string, string>,
      data: request.body,
      timeout: request.timeoutMs,
      signal,
    });
    const headers: Record<string, string | string[] | undefined> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      headers[name] = Array.isArray(value) ? value.map(String) : value == null ? undefined : String(value);
    }
    return { statusCode: response.status, headers, body: response.data };
  }

  async close(): Promise<void> {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  // After the HTTP server closed: requests served during a graceful stop may still call out.
  onApplicationShutdown(): Promise<void> {
    return this.close();
  }
}
