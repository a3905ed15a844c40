import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { BOUNDS } from '../errors/bound-exceeded.error';
import { RegistryError } from '../errors/registry.error';
import { requestLine } from './request-line';

/** Error body of every non-2xx answer. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  /** Stable machine-readable code, for the registry's own typed errors. */
  code?: string;
}

/** Messages for the errors Fastify raises before a handler runs. */
const FRAMEWORK_MESSAGES: Partial<Record<number, (request: FastifyRequest | undefined) => string>> = {
  [HttpStatus.PAYLOAD_TOO_LARGE]: (request) =>
    `body must be at most ${request?.routeOptions.bodyLimit ?? 'REGISTRY_MAX_BODY_BYTES'} bytes (${BOUNDS.maxBodyBytes.variable})`,
  [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: () => 'body must be sent as application/json',
};

/**
 * Maps everything a request can fail with to `{ statusCode, error, message }`: typed registry
 * errors, validation and other HttpExceptions, and Fastify's body errors (bad JSON, too large).
 * Unknown errors are logged and answered 500 without internals.
 */
@Catch()
export class RegistryExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Registry');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = this.toBody(exception, reply.request);
    this.retryAfter(exception, reply);
    void reply.status(body.statusCode).header('content-type', 'application/json; charset=utf-8').send(body);
  }

  /** `Retry-After` on a refusal that clears by itself at a known time (RFC 9110 §10.2.3), for clients that back off on their own. */
  protected retryAfter(exception: unknown, reply: FastifyReply): void {
    if (exception instanceof RegistryError && exception.retryAfterSeconds !== undefined) void reply.header('retry-after', String(exception.retryAfterSeconds));
  }

  protected toBody(exception: unknown, request: FastifyRequest | undefined): ErrorBody {
    if (exception instanceof RegistryError) {
      return { ...base(exception.status, exception.message), code: exception.code };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      return base(status, FRAMEWORK_MESSAGES[status]?.(request) ?? messageOf(exception));
    }
    const frameworkStatus = (exception as { statusCode?: unknown } | null)?.statusCode;
    if (typeof frameworkStatus === 'number' && frameworkStatus >= 400 && frameworkStatus < 500) {
      // A Fastify error Nest did not wrap (e.g. a parser's SyntaxError): a client mistake, not ours.
      const text = exception instanceof SyntaxError ? 'body is not valid JSON' : String((exception as Error).message);
      return base(frameworkStatus, FRAMEWORK_MESSAGES[frameworkStatus]?.(request) ?? text);
    }
    const message = `Unhandled error: ${(exception as Error)?.stack ?? String(exception)}`;
    this.logger.error(request === undefined ? message : requestLine(request, message));
    return base(HttpStatus.INTERNAL_SERVER_ERROR, 'internal error');
  }
}

function base(statusCode: number, message: string): ErrorBody {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message };
}

function messageOf(exception: HttpException): string {
  const response = exception.getResponse();
  // Fastify's own errors (body parsing) reach the filter as HttpException(message, status) with a
  // string response; give the JSON one a stable wording instead of the parser's.
  if (typeof response === 'string') {
    return exception.getStatus() === HttpStatus.BAD_REQUEST && /JSON/i.test(response) && !/empty/i.test(response)
      ? 'body is not valid JSON'
      : response;
  }
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}
