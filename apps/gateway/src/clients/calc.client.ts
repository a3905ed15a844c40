import { PathParam, RemoteGet, RemoteService, unimplemented } from '@nest-discovery/discovery';
import { ApiProperty } from '@nestjs/swagger';
import { IsNumber } from 'class-validator';

/** Calc's answer, validated on arrival so a misbehaving instance is caught at the edge. */
export class CalcResult {
  @ApiProperty({ example: 3 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  result!: number;
}

/**
 * Declarative client of the `calc` service: each method is one remote call. The caller's request id
 * travels by itself: ServiceClient sends the id of the request being handled as `x-request-id`.
 */
@RemoteService('calc')
export class CalcClient {
  @RemoteGet('/add/:a/:b', { response: CalcResult })
  add(@PathParam('a') a: string, @PathParam('b') b: string): Promise<CalcResult> {
    return unimplemented();
  }

  @RemoteGet('/sub/:a/:b', { response: CalcResult })
  sub(@PathParam('a') a: string, @PathParam('b') b: string): Promise<CalcResult> {
    return unimplemented();
  }

  @RemoteGet('/mul/:a/:b', { response: CalcResult })
  mul(@PathParam('a') a: string, @PathParam('b') b: string): Promise<CalcResult> {
    return unimplemented();
  }

  @RemoteGet('/div/:a/:b', { response: CalcResult })
  div(@PathParam('a') a: string, @PathParam('b') b: string): Promise<CalcResult> {
    return unimplemented();
  }
}
