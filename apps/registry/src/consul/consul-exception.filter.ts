import { ArgumentsHost, Catch } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ConsulPermissionDeniedError } from '../errors/consul-permission-denied.error';
import { TokenMissingError } from '../errors/token-missing.error';
import { TokenScopeError } from '../errors/token-scope.error';
import { RegistryExceptionFilter } from '../registry/registry-exception.filter';

/**
 * Errors of the Consul API in Consul's manner: the status and a plain-text reason (Consul clients show the
 * body as the error's message). What the status and reason are is the registry's one mapping; a missing,
 * unknown or too narrow token is Consul's 403 "Permission denied".
 */
@Catch()
export class ConsulExceptionFilter extends RegistryExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const denied = exception instanceof TokenMissingError || exception instanceof TokenScopeError;
    const { statusCode, message } = this.toBody(denied ? new ConsulPermissionDeniedError() : exception, reply.request);
    this.retryAfter(exception, reply);
    void reply.status(statusCode).header('content-type', 'text/plain; charset=utf-8').send(message);
  }
}
