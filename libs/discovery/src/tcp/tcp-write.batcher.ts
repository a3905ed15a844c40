import { Socket } from 'node:net';

/**
 * Writes a socket's frames of one event-loop turn in one system call. The first write of a turn corks the
 * socket and schedules the uncork for the turn's check phase (`setImmediate`), so every frame written while
 * the turn's I/O callbacks run — the answers to a chunk of requests, the calls of several incoming requests —
 * leaves in one `writev` instead of one `write` each: on this project's hop the per-frame write was the
 * largest single cost of a call. The delay is nothing more than the rest of the current turn. @internal
 */
export class TcpWriteBatcher {
  private corked = false;

  constructor(private readonly socket: Socket) {}

  /** Queues `bytes` for this turn's write; returns false when the socket's buffer is past its high-water mark. */
  write(bytes: Buffer): boolean {
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      setImmediate(this.flush);
    }
    return this.socket.write(bytes);
  }

  private readonly flush = (): void => {
    this.corked = false;
    this.socket.uncork();
  };
}
