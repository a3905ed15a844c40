import { Metadata, status } from '@grpc/grpc-js';
import { DiscoveryError, NoAvailableInstanceError, RemoteGrpcError, ServiceInstance } from '@nest-discovery/discovery';
import { ArgumentsHost, Logger } from '@nestjs/common';
import { DiscoveryExceptionFilter } from './discovery-exception.filter';

Logger.overrideLogger(false);

function answer(error: DiscoveryError): { status: number; body: Record<string, unknown> } {
  const sent = { status: 0, body: {} as Record<string, unknown> };
  const reply = {
    status(code: number) {
      sent.status = code;
      return this;
    },
    send(body: Record<string, unknown>) {
      sent.body = body;
    },
  };
  const host = { switchToHttp: () => ({ getResponse: () => reply }) } as unknown as ArgumentsHost;
  new DiscoveryExceptionFilter().catch(error, host);
  return sent;
}

// As the gRPC client sees a calc: its instance at its grpc endpoint's port.
const instance = { id: 'calc-1', name: 'calc', host: '127.0.0.1', port: 50051, protocol: 'grpc' } as ServiceInstance;
const grpcError = (code: status, details: string) =>
  new RemoteGrpcError('calc', '/calc.Calculator/Div', instance, code, details, new Metadata());

describe('DiscoveryExceptionFilter', () => {
  it.each([
    [status.INVALID_ARGUMENT, 400],
    [status.NOT_FOUND, 404],
    [status.UNAVAILABLE, 503],
    [status.DEADLINE_EXCEEDED, 504],
    [status.INTERNAL, 502],
    [status.UNKNOWN, 502],
    [status.PERMISSION_DENIED, 502],
    [status.RESOURCE_EXHAUSTED, 502],
  ])('maps gRPC status %i to HTTP %i', (code, expected) => {
    const { status: sent, body } = answer(grpcError(code, 'why'));
    expect(sent).toBe(expected);
    expect(body).toMatchObject({ statusCode: expected, code: 'REMOTE_GRPC_ERROR', grpcStatus: status[code] });
  });

  it('passes the upstream’s message through for the caller’s mistakes', () => {
    expect(answer(grpcError(status.INVALID_ARGUMENT, 'b must not be zero: division by zero')).body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'b must not be zero: division by zero',
      code: 'REMOTE_GRPC_ERROR',
      grpcStatus: 'INVALID_ARGUMENT',
    });
    expect(answer(grpcError(status.DEADLINE_EXCEEDED, 'Deadline exceeded')).body.message).toMatch(
      /^Service "calc" at 127.0.0.1:50051 answered gRPC DEADLINE_EXCEEDED to \/calc.Calculator\/Div/,
    );
  });

  it('keeps the existing mapping for a missing instance', () => {
    expect(answer(new NoAvailableInstanceError('calc')).status).toBe(503);
  });
});
