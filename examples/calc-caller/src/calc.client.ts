import { PathParam, RemoteGet, RemoteService, unimplemented } from '@nest-discovery/discovery';

/** calc, found through the registry: each call picks a calc instance, with timeouts, retries and ejection. */
@RemoteService('calc')
export class CalcClient {
  @RemoteGet('/add/:a/:b')
  add(@PathParam('a') a: number, @PathParam('b') b: number): Promise<{ result: number }> {
    return unimplemented();
  }
}
