import {
  DiscoveryError,
  NoAvailableInstanceError,
  RemoteHttpError,
  RemoteTimeoutError,
} from '@app/discovery';
import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus, Logger } from '@nestjs/common';
import { FastifyReply } from 'fastify';

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  code: string;
  service?: string;
}

/**
 * Maps the discovery client's typed errors to what the gateway's caller should see: no instance → 503,
 * timeout → 504, unreachable → 502, an upstream 4xx passes through with the upstream's own message.
 */
@Catch(DiscoveryError)
export class DiscoveryExceptionFilter implements ExceptionFilter<DiscoveryError> {
  private readonly logger = new Logger(DiscoveryExceptionFilter.name);

  catch(error: DiscoveryError, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body } = this.toResponse(error);
    if (status >= 500) this.logger.warn(`${error.code}: ${error.message}`);
    void reply.status(status).send(body);
  }

  private toResponse(error: DiscoveryError): { status: number; body: unknown } {
    if (error instanceof RemoteHttpError && error.status >= 400 && error.status < 500) {
      return { status: error.status, body: error.body };
    }
    const [status, reason] =
      error instanceof NoAvailableInstanceError
        ? [HttpStatus.SERVICE_UNAVAILABLE, 'Service Unavailable']
        : error instanceof RemoteTimeoutError
          ? [HttpStatus.GATEWAY_TIMEOUT, 'Gateway Timeout']
          : [HttpStatus.BAD_GATEWAY, 'Bad Gateway'];
    const body: ErrorBody = { statusCode: status, error: reason, message: error.message, code: error.code };
    return { status, body };
  }
}
