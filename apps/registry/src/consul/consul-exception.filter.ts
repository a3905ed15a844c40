import { ArgumentsHost, Catch } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { RegistryExceptionFilter } from '../registry/registry-exception.filter';

/**
 * Errors of the Consul API in Consul's manner: the status and a plain-text reason (Consul clients show the
 * body as the error's message). What the status and reason are is the registry's one mapping.
 */
@Catch()
export class ConsulExceptionFilter extends RegistryExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { statusCode, message } = this.toBody(exception, reply.request);
    void reply.status(statusCode).header('content-type', 'text/plain; charset=utf-8').send(message);
  }
}
