// '@nest-discovery/discovery/grpc': where an app's .proto files are, for an app that serves or probes gRPC
// without making discovery calls (the registry's health checker). The gRPC client itself is in the main
// entry point.
export { protoFile } from './proto-file';
export { DEFAULT_PROTO_LOADER_OPTIONS } from './proto-definition.loader';
