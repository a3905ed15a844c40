// The request context and logging of the platform's apps; re-exported by '@app/discovery'. Also an
// entry point of its own ('@app/discovery/context') for an app that makes no discovery calls (the
// registry), so it does not load the HTTP and gRPC client stack.
export { RequestContext } from './request-context';
export type { RequestScope } from './request-context';
export { useRequestContext } from './request-context.hook';
export { useRequestLogging } from './request-logging.hook';
export { genRequestId, REQUEST_ID_HEADER, requestIdFrom } from './request-id';
export { LOG_FORMATS, LOG_LEVELS, logSettings } from './log-settings';
export type { LogFormat, LogLevelName, LogSettings } from './log-settings';
export { appLogger, loggerParams } from './logger.params';
