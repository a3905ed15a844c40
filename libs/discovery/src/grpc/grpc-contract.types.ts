/*
 * Types of a gRPC client, derived from the service definition `proto-loader-gen-types` generates
 * from the .proto (`<Service>Definition`, e.g. `CalculatorDefinition`): method names, what each
 * takes and what it answers. Nothing here exists at run time.
 */

/** One method as the generated definition types it (a proto-loader `MethodDefinition`). */
export interface GrpcMethodShape<Request, Response> {
  readonly path: string;
  readonly requestStream: boolean;
  readonly responseStream: boolean;
  requestSerialize(value: Request): Buffer;
  responseDeserialize(bytes: Buffer): Response;
}

/** The method names of a generated service definition (its index signature left out). */
export type GrpcMethodName<D> = keyof {
  [K in keyof D as string extends K ? never : number extends K ? never : K]: D[K];
} &
  string;

/** What `method` takes: the generated permissive request type (e.g. `Operands`). */
export type GrpcRequest<D, M extends keyof D> = D[M] extends { requestSerialize(value: infer Request): Buffer }
  ? Request
  : never;

/** What `method` answers: the generated output type (e.g. `Result__Output`). */
export type GrpcResponse<D, M extends keyof D> = D[M] extends { responseDeserialize(bytes: Buffer): infer Response }
  ? Response
  : never;
