import { Inject } from '@nestjs/common';
import { grpcClientToken } from '../grpc/grpc-client.providers';

/**
 * Injects the gRPC client registered with `DiscoveryModule.forGrpcClients` under `name` (the
 * client's `name` option, else its `service`). Type the parameter with the generated definition.
 *
 * @example
 * ```ts
 * constructor(@InjectGrpcClient('calc') private readonly calc: GrpcServiceClient<CalculatorDefinition>) {}
 * ```
 */
export function InjectGrpcClient(name: string): ParameterDecorator & PropertyDecorator {
  return Inject(grpcClientToken(name));
}
