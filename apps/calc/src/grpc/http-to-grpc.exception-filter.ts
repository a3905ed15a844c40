import { status } from '@grpc/grpc-js';
import { ArgumentsHost, Catch, HttpException, RpcExceptionFilter } from '@nestjs/common';
import { Observable, throwError } from 'rxjs';

/** HTTP statuses CalcService may throw, as gRPC codes; anything else is UNKNOWN. */
const GRPC_CODE: Record<number, status> = {
  400: status.INVALID_ARGUMENT,
  404: status.NOT_FOUND,
  409: status.ALREADY_EXISTS,
  401: status.UNAUTHENTICATED,
  403: status.PERMISSION_DENIED,
  429: status.RESOURCE_EXHAUSTED,
  503: status.UNAVAILABLE,
};

/**
 * CalcService speaks Nest's HTTP exceptions (its 400 for a division by zero); on the gRPC side they
 * become the matching status with the same message, e.g. INVALID_ARGUMENT "b must not be zero: ...".
 */
@Catch(HttpException)
export class HttpToGrpcExceptionFilter implements RpcExceptionFilter<HttpException> {
  catch(exception: HttpException, _host: ArgumentsHost): Observable<never> {
    const answer = exception.getResponse();
    const message =
      typeof answer === 'object' && answer !== null && 'message' in answer ? String(answer.message) : exception.message;
    return throwError(() => ({ code: GRPC_CODE[exception.getStatus()] ?? status.UNKNOWN, message }));
  }
}
