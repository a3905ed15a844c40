import { Logger, Params, PinoLogger } from 'nestjs-pino';
import { stdTimeFunctions } from 'pino';
import type { Options } from 'pino-http';
import { LogSettings, logSettings } from './log-settings';
import { RequestContext } from './request-context';

/** One line per entry, Nest's context in brackets before the message, other fields after it. */
const PRETTY_OPTIONS = {
  translateTime: 'SYS:HH:MM:ss.l',
  ignore: 'pid,hostname,context',
  messageFormat: '{if context}[{context}] {end}{msg}',
  singleLine: true,
};

/**
 * The `nestjs-pino` `LoggerModule` parameters every app of the platform uses:
 *
 * - one JSON object per line on stdout (`level` as a label, ISO `time`, `name` = the service), or
 *   pino-pretty when `settings.format` is `pretty`;
 * - `reqId` on every line logged while a request is handled, wherever it is logged from: the
 *   current {@link RequestContext}'s id, added by a pino `mixin`.
 *
 * Requests themselves are logged by {@link useRequestLogging}, a Fastify hook, not by the
 * pino-http middleware nestjs-pino would mount (`forRoutes: []`): that middleware runs a Nest
 * middleware chain (@fastify/middie), makes two child loggers and enters a second
 * AsyncLocalStorage per request — about 60 µs of CPU per request on the 2-core dev machine,
 * against about 10 µs for the hook and the mixin.
 *
 * @example LoggerModule.forRoot(loggerParams('calc'))
 */
export function loggerParams(service: string, settings: LogSettings = logSettings()): Params {
  const pinoHttp: Options = {
    name: service,
    level: settings.level,
    ...(settings.format === 'pretty'
      ? { transport: { target: 'pino-pretty', options: PRETTY_OPTIONS } }
      : { timestamp: stdTimeFunctions.isoTime, formatters: { level: (label) => ({ level: label }) } }),
    // nestjs-pino builds the logger through pino-http, whose wrapped serializers would turn the plain
    // req/res objects useRequestLogging writes into empty ServerResponse readings (statusCode: null).
    wrapSerializers: false,
    // Called only for lines actually written; pino merges into (so needs) a fresh object.
    mixin: () => {
      const requestId = RequestContext.requestId();
      return requestId === undefined ? {} : { reqId: requestId };
    },
  };
  return { pinoHttp, forRoutes: [] };
}

/**
 * A Nest logger writing through the pino instance `LoggerModule.forRoot(params)` uses (nestjs-pino
 * keeps one per process), for `NestFactory.create(…, { logger })`: Nest's own start-up lines, and a
 * failure before the module exists, are JSON lines too (`bufferLogs` would print those with Nest's
 * plain console logger). The pino instance itself is then `PinoLogger.root`.
 *
 * @example
 * ```ts
 * const logger = appLogger(loggerParams('calc'));
 * Logger.overrideLogger(logger); // from here on, even a failing config load logs JSON
 * const app = await NestFactory.create(CalcModule, adapter, { logger });
 * ```
 */
export function appLogger(params: Params): Logger {
  return new Logger(new PinoLogger(params), params);
}
