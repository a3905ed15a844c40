import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ServiceInstance } from '../interfaces/service-instance.interface';
import { TcpConnection } from './tcp-connection';

/** Address a fast-lane instance's connections are kept by: `host:port`, IPv6 hosts bracketed. @internal */
export function tcpAddressOf(instance: ServiceInstance): string {
  return instance.host.includes(':') ? `[${instance.host}]:${instance.port}` : `${instance.host}:${instance.port}`;
}

/**
 * A few persistent connections per fast-lane address (`connectionsPerInstance`, default 2), shared by
 * every call and every client: each connection multiplexes its calls, so a few keep both cores' worth
 * of work moving without one slow answer holding up the socket's reads. A call takes the usable
 * connection with the fewest calls in flight; a connection that closed or was told to go away is
 * replaced on the next call. All close when the instance leaves the cache, and on shutdown, once the calls
 * they carry are answered. @internal
 */
@Injectable()
export class TcpConnectionPool implements OnApplicationShutdown {
  private readonly byAddress = new Map<string, TcpConnection[]>();

  constructor(private readonly connectionsPerInstance = 2) {}

  /** A connection to `instance`, opened when it has fewer than its share. */
  get(instance: ServiceInstance): TcpConnection {
    const address = tcpAddressOf(instance);
    let connections = this.byAddress.get(address);
    if (connections === undefined) {
      connections = [];
      this.byAddress.set(address, connections);
    }
    if (connections.length < this.connectionsPerInstance) {
      const connection = new TcpConnection(instance.host, instance.port, (gone) => this.forget(address, gone));
      connections.push(connection);
      return connection;
    }
    let best = connections[0];
    for (let i = 1; i < connections.length; i++) if (connections[i].inFlight < best.inFlight) best = connections[i];
    return best;
  }

  /** Connections open to `instance`'s address. */
  count(instance: ServiceInstance): number {
    return this.byAddress.get(tcpAddressOf(instance))?.length ?? 0;
  }

  /**
   * Lets go of the connections to an instance that left (drained, stopping, gone): no new call takes them, and
   * each closes once its calls in flight have their answers, so a graceful stop fails none of them.
   */
  release(instance: ServiceInstance): void {
    const address = tcpAddressOf(instance);
    const connections = this.byAddress.get(address);
    if (connections === undefined) return;
    this.byAddress.delete(address);
    for (const connection of connections) connection.closeWhenIdle();
  }

  /** Closes every connection once its calls in flight settled (they have their own timeouts). */
  close(): void {
    for (const connections of this.byAddress.values()) for (const connection of connections) connection.closeWhenIdle();
    this.byAddress.clear();
  }

  // After the HTTP server closed: requests served during a graceful stop may still call out.
  onApplicationShutdown(): void {
    this.close();
  }

  /** A connection that closed or is draining takes no more calls: the next call opens its replacement. */
  private forget(address: string, gone: TcpConnection): void {
    const connections = this.byAddress.get(address);
    if (connections === undefined) return;
    const index = connections.indexOf(gone);
    if (index >= 0) connections.splice(index, 1);
    if (connections.length === 0) this.byAddress.delete(address);
  }
}
