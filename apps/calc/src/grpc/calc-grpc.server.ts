import { Server, ServerCredentials, ServerInterceptor } from '@grpc/grpc-js';
import { GrpcOptions, ServerGrpc } from '@nestjs/microservices';
import { DEFAULT_PROTO_LOADER_OPTIONS, protoFile } from '@nest-discovery/discovery';

/** Where calc's gRPC server listens, and what wraps every call. */
export interface CalcGrpcServerOptions {
  host: string;
  /** 0 = a free port; {@link CalcGrpcServer.port} tells which. */
  port: number;
  interceptors: ServerInterceptor[];
}

/**
 * Nest's gRPC transport (a hybrid app's microservice, `@GrpcMethod` handlers) serving
 * `calc.Calculator` from proto/calc.proto, which also keeps the port it bound (Nest's own drops it,
 * and `GRPC_PORT=0` must be advertised as the port actually got) and installs grpc-js server
 * interceptors.
 */
export class CalcGrpcServer extends ServerGrpc {
  private bound: number | undefined;

  constructor(private readonly settings: CalcGrpcServerOptions) {
    super(grpcOptions(settings));
  }

  /** The port the server listens on; known once the app's microservices have started. */
  get port(): number {
    if (this.bound === undefined) throw new Error('The gRPC server is not listening yet');
    return this.bound;
  }

  /** Same as Nest's (which binds `url`), keeping the port and adding the interceptors. */
  override async createClient(): Promise<Server> {
    const server = new Server({ interceptors: this.settings.interceptors });
    this.bound = await new Promise<number>((resolve, reject) =>
      server.bindAsync(this.url, ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port))),
    );
    return server;
  }
}

function grpcOptions({ host, port }: CalcGrpcServerOptions): GrpcOptions['options'] {
  return {
    url: `${host.includes(':') ? `[${host}]` : host}:${port}`,
    // calc.Calculator, and grpc.health.v1.Health for the registry's gRPC health checks.
    package: ['calc', 'grpc.health.v1'],
    protoPath: [protoFile('calc.proto'), protoFile('health.proto')],
    // The options the generated types (proto/generated) assume, as the clients use them.
    loader: { ...DEFAULT_PROTO_LOADER_OPTIONS } as GrpcOptions['options']['loader'],
    gracefulShutdown: true,
  };
}
