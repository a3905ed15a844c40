import { Readable } from 'node:stream';
import { ServiceInstance } from '../interfaces/service-instance.interface';

/** Request headers as the transport takes them (multi-valued headers as arrays). */
export type TransportHeaders = Record<string, string | string[] | undefined>;

/** One HTTP request to one instance. `path` already carries the query string. @internal */
export interface TransportRequest {
  method: string;
  path: string;
  headers?: TransportHeaders;
  body?: string | Buffer | Readable;
  /** Longest wait for the answer's headers; the transport fails with a timeout error (see `isTimeoutError`). */
  timeoutMs: number;
  /** Longest silence while the body streams in. Default: the transport's own (undici: 300 s). */
  bodyTimeoutMs?: number;
  /**
   * An answer of a known length up to this many bytes is read whole before `send` resolves, into
   * `TransportResponse.bytes` (a transport may ignore it: `bytes` stays undefined). Unset: always streamed.
   */
  bufferUpToBytes?: number;
}

/** The answer, with the body still unread. The caller must consume or destroy `body`. @internal */
export interface TransportResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
  /** The whole body, when the transport read it (see `TransportRequest.bufferUpToBytes`); `body` then streams the same bytes. */
  bytes?: Buffer;
}

/** An answer read to its end: status, content type and the whole body as text. @internal */
export interface BufferedAnswer {
  statusCode: number;
  contentType: string | string[] | undefined;
  text: string;
}

/**
 * The seam between the call path and an HTTP client. Errors keep the client's `code`
 * (ECONNREFUSED, UND_ERR_SOCKET, ...) so the retry policy can tell "never sent" from "maybe sent".
 */
export interface HttpTransport {
  /**
   * Timeouts are the transport's job (undici's own timers cost far less than an AbortController
   * per call); `signal` is only the caller's, when it has one.
   */
  send(instance: ServiceInstance, request: TransportRequest, signal?: AbortSignal): Promise<TransportResponse>;
  /**
   * Sends and reads the whole answer (what a buffered call needs), when the client can do that cheaper than
   * `send` and a stream read to its end; same errors as `send`. Optional: without it, `send` is used.
   */
  sendBuffered?(instance: ServiceInstance, request: TransportRequest, signal?: AbortSignal): Promise<BufferedAnswer>;
  /** Releases the connections to an instance that left (in-flight calls finish first). */
  release?(instance: ServiceInstance): void;
  /** Releases every pooled connection. */
  close?(): Promise<void>;
}

/** Origin a transport pools connections by. @internal */
export function originOf(instance: ServiceInstance): string {
  return `${instance.protocol === 'https' ? 'https' : 'http'}://${instance.host}:${instance.port}`;
}

/** Token of the {@link HttpTransport} the ServiceClient uses. */
export const HTTP_TRANSPORT = Symbol('HTTP_TRANSPORT');

/** Reads the body to the end as text. Uses undici's own consumer when present (faster). @internal */
export async function readText(body: Readable): Promise<string> {
  const withText = body as Readable & { text?: () => Promise<string> };
  if (typeof withText.text === 'function') return withText.text();
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** Throws away the rest of a body so the connection can be reused. @internal */
export function discard(body: Readable): void {
  const withDump = body as Readable & { dump?: () => Promise<void> };
  if (typeof withDump.dump === 'function') {
    withDump.dump().catch(() => undefined);
  } else {
    body.resume();
    body.on('error', () => undefined);
  }
}
