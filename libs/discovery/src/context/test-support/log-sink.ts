/* A pino destination that keeps the parsed lines, for the specs. Not part of the library. @internal */
import type { Params } from 'nestjs-pino';
import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { Options, pinoHttp } from 'pino-http';

export type LogLine = Record<string, unknown> & { level: string; msg: string; reqId?: string };

export function logSink(): { stream: Writable; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString().split('\n')) if (text) lines.push(JSON.parse(text) as LogLine);
      done();
    },
  });
  return { stream, lines };
}

/** The pino instance nestjs-pino makes from `params` (it builds it through pino-http), writing to `stream`. */
export function rootLogger(params: Params, stream: Writable): Logger {
  return pinoHttp(params.pinoHttp as Options, stream).logger;
}
