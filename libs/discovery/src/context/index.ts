// The request context: the id a request's outgoing calls carry. Part of the main entry point; the apps'
// structured logging built on it is the '@nest-discovery/discovery/logging' entry point (pino is optional).
export { RequestContext } from './request-context';
export type { RequestScope } from './request-context';
export { requestScopeOf, useRequestContext } from './request-context.hook';
export { genRequestId, REQUEST_ID_HEADER, requestIdFrom } from './request-id';
