import { Channel, ChannelCredentials, ChannelOptions, credentials as grpcCredentials } from '@grpc/grpc-js';
import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ServiceInstance } from '../interfaces/service-instance.interface';

/** Address a channel is kept by: `host:port`, IPv6 hosts bracketed. @internal */
export function grpcAddressOf(instance: ServiceInstance): string {
  return instance.host.includes(':') ? `[${instance.host}]:${instance.port}` : `${instance.host}:${instance.port}`;
}

/** Options of {@link GrpcChannelPool}. @internal */
export interface GrpcChannelPoolOptions {
  channelOptions?: ChannelOptions;
  credentials?: ChannelCredentials;
}

/**
 * One grpc-js channel per instance address, created on first use and reused by every call and every
 * gRPC client to that address (a channel multiplexes its calls over one HTTP/2 connection). A channel is closed when its instance
 * leaves the instance cache (see `InstanceLifecycle`), and all are closed on shutdown. Calls in
 * flight on a closed channel finish; the next call to that address opens a new one. @internal
 */
@Injectable()
export class GrpcChannelPool implements OnApplicationShutdown {
  private readonly channels = new Map<string, Channel>();
  private readonly channelOptions: ChannelOptions;
  private readonly credentials: ChannelCredentials;

  constructor(options: GrpcChannelPoolOptions = {}) {
    this.channelOptions = options.channelOptions ?? {};
    this.credentials = options.credentials ?? grpcCredentials.createInsecure();
  }

  /** The channel to `instance`, opened on first use. */
  get(instance: ServiceInstance): Channel {
    const address = grpcAddressOf(instance);
    let channel = this.channels.get(address);
    if (channel === undefined) {
      channel = new Channel(address, this.credentials, this.channelOptions);
      this.channels.set(address, channel);
    }
    return channel;
  }

  /** Whether a channel to `instance`'s address is open. */
  has(instance: ServiceInstance): boolean {
    return this.channels.has(grpcAddressOf(instance));
  }

  /** Closes the channel to an instance that left. */
  release(instance: ServiceInstance): void {
    const address = grpcAddressOf(instance);
    const channel = this.channels.get(address);
    if (channel === undefined) return;
    this.channels.delete(address);
    channel.close();
  }

  /** Closes every channel. */
  close(): void {
    for (const channel of this.channels.values()) channel.close();
    this.channels.clear();
  }

  // After the HTTP server closed: requests served during a graceful stop may still call out.
  onApplicationShutdown(): void {
    this.close();
  }

  /** Number of open channels. */
  get size(): number {
    return this.channels.size;
  }
}
