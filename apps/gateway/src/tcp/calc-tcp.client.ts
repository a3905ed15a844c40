import { TcpClientOptions } from '@nest-discovery/discovery';

/** Injection name of the gateway's fast-lane client of calc. */
export const CALC_TCP_CLIENT = 'calc';

/** calc's `@MessagePattern` handlers at each `calc` instance's `tcp` endpoint; every pattern is idempotent. */
export function calcTcpClient(): TcpClientOptions {
  return { name: CALC_TCP_CLIENT, service: 'calc', idempotent: true };
}
