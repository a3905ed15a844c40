export * from './discovery.module';
export { DISCOVERY_MODULE_OPTIONS } from './discovery.module-definition';
export { INSTANCE_SOURCE } from './discovery.constants';
export * from './interfaces/service-instance.interface';
export { isEndpointRoutable, isRoutable } from './resolution/routable';
export type {
  DiscoveryModuleOptions,
  LoadBalancingStrategyName,
  OutlierEjectionOptions,
  HealthCheckOptions,
} from './interfaces/discovery-options.interface';
export type { InstanceSource } from './resolution/instance-source.interface';
export { InstanceCache } from './resolution/instance-cache';
export { discoveryHttpsOptions } from './config/tls';
export { RegistrationService } from './registration/registration.service';
export { DiscoveryHealthIndicator } from './health/discovery.health-indicator';

export { ServiceClient } from './client/service-client';
export { endToEndHeaders } from './client/end-to-end-headers';
export type { HttpCallContext, HttpCallResult, HttpClientInterceptor, HttpNext } from './client/http-interceptor.interface';
export { TIMEOUT_HEADER } from './call/deadline';
export { isFallbackable } from './call/fallback.policy';
export type { RetryBudgetOptions } from './resilience/retry-budget';
export type {
  HttpMethod,
  ServiceRequest,
  ServiceStreamRequest,
  ServiceStreamResponse,
} from './client/service-request.interface';
export { RemoteService } from './decorators/remote-service.decorator';
export { RemoteDelete, RemoteGet, RemotePatch, RemotePost, RemotePut } from './decorators/http-method.decorators';
export { PathParam, QueryParam, RequestBody, RequestHeader } from './decorators/param.decorators';
export { unimplemented } from './decorators/unimplemented';

export type { LoadBalancingStrategy, SelectionContext } from './load-balancing/load-balancing-strategy.interface';
export { RoundRobinStrategy } from './load-balancing/round-robin.strategy';
export { RandomStrategy } from './load-balancing/random.strategy';
export { WeightedRoundRobinStrategy } from './load-balancing/weighted-round-robin.strategy';
export { LeastOutstandingStrategy } from './load-balancing/least-outstanding.strategy';
export { P2cEwmaStrategy } from './load-balancing/p2c-ewma.strategy';

export { DiscoveryError } from './errors/discovery.error';
export { DeadlineExceededError } from './errors/deadline-exceeded.error';
export { NoAvailableInstanceError } from './errors/no-available-instance.error';
export { RemoteHttpError } from './errors/remote-http.error';
export { RemoteTimeoutError } from './errors/remote-timeout.error';
export { RemoteUnavailableError } from './errors/remote-unavailable.error';
export { ResponseValidationError } from './errors/response-validation.error';

// gRPC: load-balanced clients over the same cache, selection, ejection and retry rules as HTTP.
export { GrpcServiceClient } from './grpc/grpc-service-client';
export { GrpcClientFactory } from './grpc/grpc-client.factory';
export { grpcClientToken } from './grpc/grpc-client.providers';
export { InjectGrpcClient } from './decorators/inject-grpc-client.decorator';
export { DEFAULT_PROTO_LOADER_OPTIONS } from './grpc/proto-definition.loader';
export { protoFile } from './grpc/proto-file';
export type { GrpcCallOptions, GrpcClientOptions, GrpcModuleOptions } from './grpc/grpc-client-options.interface';
export type { GrpcCallContext, GrpcCallResult, GrpcClientInterceptor, GrpcNext } from './grpc/grpc-interceptor.interface';
export type { GrpcMethodName, GrpcRequest, GrpcResponse } from './grpc/grpc-contract.types';
export { RemoteGrpcError } from './errors/remote-grpc.error';
// The fast lane's client and server classes (they extend @nestjs/microservices' ClientProxy and Server) are in
// the entry point '@nest-discovery/discovery/tcp', so that an app without @nestjs/microservices loads this one.
export { TcpClientFactory } from './tcp/tcp-client.factory';
export { tcpClientToken } from './tcp/tcp-client.providers';
export { InjectTcpClient } from './decorators/inject-tcp-client.decorator';
export type { TcpServiceClient } from './tcp/tcp-service-client';
export type { TcpCallLog } from './tcp/tcp-call.log';
export type { TcpModuleOptions } from './interfaces/discovery-options.interface';
export type { TcpCallOptions, TcpCallResult, TcpClientOptions } from './tcp/tcp-client-options.interface';
export { TCP_ENDPOINT } from './tcp/tcp-frame';
export { RemoteTcpError } from './errors/remote-tcp.error';
export type { NamedEndpoint } from './registration/named-endpoint.interface';
export type { RegisteredEndpoint, RegistrationState } from './registration/registration-state.interface';

// Prometheus metrics: DiscoveryMetrics (provided by forRoot) and the module serving GET /metrics.
export { DiscoveryMetrics } from './metrics/discovery.metrics';
export { DiscoveryMetricsModule } from './metrics/discovery-metrics.module';
export type { CallOutcome, CallProtocol } from './metrics/call-outcome';

// Request context (the id a request's outgoing calls carry) and the apps' structured logging.
export * from './context';
