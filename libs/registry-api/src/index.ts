/**
 * The registry's wire contract: the instance model, the requests and answers of its HTTP API, the name
 * rules and the routing rules. The registry and the discovery library both import it from here, so the two
 * sides cannot drift; other clients may use it too.
 */
export * from './instance';
export * from './names';
export * from './requests';
export * from './routable';
export * from './watch';
export * from './tls';
