// '@nest-discovery/discovery/logging': structured JSON logs through pino and nestjs-pino (optional peer
// dependencies: install them to use this entry point), with the request id on every line. Also the entry
// point of an app that makes no discovery calls (the registry): it does not load the HTTP and gRPC clients.
export * from '../context';
export { useRequestLogging } from '../context/request-logging.hook';
export { LOG_FORMATS, LOG_LEVELS, logSettings } from '../context/log-settings';
export type { LogFormat, LogLevelName, LogSettings } from '../context/log-settings';
export { appLogger, loggerParams } from '../context/logger.params';
