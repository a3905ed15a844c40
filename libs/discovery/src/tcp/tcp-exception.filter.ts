import { ArgumentsHost, Catch, HttpException, RpcExceptionFilter } from '@nestjs/common';
import { Observable, throwError } from 'rxjs';
import { tcpFailureOf } from './tcp-error.mapping';

/**
 * Lets fast-lane handlers throw Nest's HTTP exceptions (the same service code as the HTTP routes): a
 * `BadRequestException` becomes a 400 error frame with its message, as the HTTP route answers it. Without
 * it, Nest's default RPC filter answers every such exception as an internal error.
 *
 * @example
 * ```ts
 * \@Controller() \@UseFilters(TcpExceptionFilter)
 * export class CalcTcpController { … }
 * ```
 */
@Catch(HttpException)
export class TcpExceptionFilter implements RpcExceptionFilter<HttpException> {
  catch(exception: HttpException, _host: ArgumentsHost): Observable<never> {
    const answer = exception.getResponse();
    const message =
      typeof answer === 'object' && answer !== null && 'message' in answer ? String((answer as { message: unknown }).message) : exception.message;
    const { status } = tcpFailureOf(exception);
    return throwError(() => ({ status, message }));
  }
}
