import { BaseRpcContext } from '@nestjs/microservices';

type Args = [pattern: string, requestId: string | undefined, deadline: number | undefined];

/**
 * What a `@MessagePattern` handler served by {@link DiscoveryTcpServer} gets with `@Ctx()`: the pattern, the
 * caller's request id and the call's deadline.
 *
 * @example
 * ```ts
 * \@MessagePattern('add')
 * add(@Payload() operands: Operands, @Ctx() ctx: TcpCallContext) { this.log(ctx.getRequestId()); … }
 * ```
 */
export class TcpCallContext extends BaseRpcContext<Args> {
  /** The normalised pattern the call was sent with. */
  getPattern(): string {
    return this.args[0];
  }

  /** The caller's request id, when it sent one. */
  getRequestId(): string | undefined {
    return this.args[1];
  }

  /** Absolute deadline (ms since the epoch) from the caller's budget; undefined when it sent none. */
  getDeadline(): number | undefined {
    return this.args[2];
  }
}
