export * from './discovery.error';
export * from './no-available-instance.error';
export * from './remote-http.error';
export * from './remote-timeout.error';
export * from './remote-unavailable.error';
export * from './response-validation.error';
