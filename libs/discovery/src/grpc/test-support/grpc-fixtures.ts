/* Test fixtures for the gRPC call path's specs: real grpc-js servers on free ports. Not part of the library. @internal */
import { instance } from '../../client/test-support/fixtures';
import {
  Metadata,
  sendUnaryData,
  Server,
  ServerCredentials,
  ServerUnaryCall,
  ServiceDefinition,
  status,
  UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { join } from 'node:path';
import type { CalculatorDefinition } from '../../../../../proto/generated/calc/Calculator';
import { ServiceInstance } from '../../interfaces/service-instance.interface';
import { DEFAULT_PROTO_LOADER_OPTIONS } from '../proto-definition.loader';

export type { CalculatorDefinition };

/** The repo's calc contract, which the specs call. */
export const CALC_PROTO = join(__dirname, '..', '..', '..', '..', '..', 'proto', 'calc.proto');
export const CALC_SERVICE = 'calc.Calculator';

const definition = loadSync(CALC_PROTO, DEFAULT_PROTO_LOADER_OPTIONS)[CALC_SERVICE] as ServiceDefinition;

export interface Operands {
  a?: number;
  b?: number;
}

/** What a scripted method does with a call: answer, fail with a status, or stall. */
export type Behaviour = (request: Operands, metadata: Metadata) => { result: number } | { code: status; details: string } | 'hang';

export interface TestGrpcServer {
  readonly port: number;
  /** Calls received, as `Method` names. */
  readonly calls: string[];
  /** Replaces what `method` does (default: the arithmetic). */
  behave(method: 'Add' | 'Sub' | 'Mul' | 'Div', behaviour: Behaviour): void;
  close(): Promise<void>;
}

const ARITHMETIC: Record<string, (a: number, b: number) => number> = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  Div: (a, b) => a / b,
};

/**
 * A calc.Calculator server on 127.0.0.1:0. It echoes `x-request-id` into its trailers, names itself
 * in the trailer `x-served-by` and the header `x-server`, and answers the arithmetic unless told otherwise.
 */
export async function startGrpcServer(name = 'server'): Promise<TestGrpcServer> {
  const calls: string[] = [];
  const behaviours = new Map<string, Behaviour>();
  const hanging = new Set<() => void>();
  const server = new Server();
  const implementation: UntypedServiceImplementation = {};
  for (const method of Object.keys(ARITHMETIC)) {
    implementation[method] = (call: ServerUnaryCall<Operands, unknown>, callback: sendUnaryData<unknown>) => {
      calls.push(method);
      const headers = new Metadata();
      headers.set('x-server', name);
      call.sendMetadata(headers);
      const trailers = new Metadata();
      trailers.set('x-served-by', name);
      const requestId = call.metadata.get('x-request-id')[0];
      if (requestId !== undefined) trailers.set('x-request-id', requestId);
      const auth = call.metadata.get('authorization')[0];
      if (auth !== undefined) trailers.set('x-saw-authorization', auth);
      const behaviour = behaviours.get(method);
      const outcome = behaviour
        ? behaviour(call.request, call.metadata)
        : { result: ARITHMETIC[method](call.request.a ?? 0, call.request.b ?? 0) };
      if (outcome === 'hang') {
        const release = (): void => callback({ code: status.CANCELLED, details: 'server closing' });
        hanging.add(release);
        call.on('cancelled', () => hanging.delete(release));
        return;
      }
      if ('code' in outcome) callback({ code: outcome.code, details: outcome.details, metadata: trailers });
      else callback(null, outcome, trailers);
    };
  }
  server.addService(definition, implementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return {
    port,
    calls,
    behave: (method, behaviour) => behaviours.set(method, behaviour),
    close: () =>
      new Promise<void>((resolve) => {
        for (const release of hanging) release();
        server.forceShutdown();
        resolve();
      }),
  };
}

export function grpcInstance(id: string, port: number, extra: Partial<ServiceInstance> = {}): ServiceInstance {
  return instance(id, port, { name: 'calc', protocol: 'grpc', ...extra });
}
