/** Resolved, defaults-merged options (see `resolveDiscoveryOptions`). @internal */
export const DISCOVERY_CONFIG = Symbol('DISCOVERY_CONFIG');
/**
 * The gRPC call path's circuits, apart from the HTTP path's: an instance's broken gRPC server must
 * not eject its HTTP address, nor the other way round. Both key by instance id. @internal
 */
export const GRPC_OUTLIER_EJECTION = Symbol('GRPC_OUTLIER_EJECTION');
/** The fast lane's (TCP) own circuits: a broken fast-lane listener must not eject the instance's HTTP address. @internal */
export const TCP_OUTLIER_EJECTION = Symbol('TCP_OUTLIER_EJECTION');
/** The {@link InstanceSource} the call path resolves instances from. */
export const INSTANCE_SOURCE = Symbol('INSTANCE_SOURCE');
/** Metadata key set by `@RemoteService`. @internal */
export const REMOTE_SERVICE_METADATA = 'discovery:remote-service';
/** Metadata key set by the HTTP verb decorators. @internal */
export const REMOTE_ROUTE_METADATA = 'discovery:remote-route';
/** Metadata key set by the parameter decorators. @internal */
export const REMOTE_PARAMS_METADATA = 'discovery:remote-params';
