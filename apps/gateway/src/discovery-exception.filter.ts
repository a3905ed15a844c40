import {
  DiscoveryError,
  NoAvailableInstanceError,
  RemoteGrpcError,
  RemoteHttpError,
  RemoteTcpError,
  RemoteTimeoutError,
} from '@nest-discovery/discovery';
import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus, Logger } from '@nestjs/common';
import { FastifyReply } from 'fastify';

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  code: string;
  service?: string;
  /** For gRPC upstreams: the status name, e.g. `DEADLINE_EXCEEDED`. */
  grpcStatus?: string;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  404: 'Not Found',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/**
 * Maps the discovery client's typed errors to what the gateway's caller should see: no instance → 503,
 * timeout → 504, unreachable → 502, an upstream 4xx passes through with the upstream's own message.
 * gRPC statuses: INVALID_ARGUMENT → 400 and NOT_FOUND → 404 (with the upstream's message),
 * UNAVAILABLE → 503, DEADLINE_EXCEEDED → 504, any other → 502. Fast-lane (TCP) failures carry an HTTP
 * status already: a 4xx passes through with calc's message, 503 and 504 stay, any other is 502.
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
    if (error instanceof RemoteGrpcError) {
      const status = error.httpStatus;
      const message = status < 500 ? error.details : error.message;
      const body: ErrorBody = { statusCode: status, error: REASONS[status], message, code: error.code, grpcStatus: error.statusName };
      return { status, body };
    }
    if (error instanceof RemoteTcpError) {
      const status = error.httpStatus;
      const message = status < 500 ? error.details : error.message;
      const body: ErrorBody = { statusCode: status, error: REASONS[status] ?? 'Error', message, code: error.code };
      return { status, body };
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
