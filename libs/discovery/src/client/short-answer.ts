import { Readable } from 'node:stream';
import { ServiceInstance } from '../interfaces/service-instance.interface';

/**
 * An answer the transport read whole (a short one of known length, see `TransportRequest.bufferUpToBytes`):
 * its `bytes`, and a `body` stream of them made only when something asks for it, so a caller that sends
 * `bytes` on pays for no stream at all. The same shape as a streamed answer for every other reader. @internal
 */
export class ShortAnswer {
  private stream: Readable | undefined;

  constructor(
    readonly statusCode: number,
    readonly headers: Record<string, string | string[] | undefined>,
    readonly bytes: Buffer,
    /** The instance that answered, once the call path knows it. */
    readonly instance?: ServiceInstance,
  ) {}

  get body(): Readable {
    return (this.stream ??= Readable.from([this.bytes], { objectMode: false }));
  }

  /** The same answer, as the instance `instance` gave it. */
  from(instance: ServiceInstance): ShortAnswer & { instance: ServiceInstance } {
    return new ShortAnswer(this.statusCode, this.headers, this.bytes, instance) as ShortAnswer & { instance: ServiceInstance };
  }
}
