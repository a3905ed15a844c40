// Original file: proto/calc.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { Operands as _calc_Operands, Operands__Output as _calc_Operands__Output } from '../calc/Operands';
import type { Result as _calc_Result, Result__Output as _calc_Result__Output } from '../calc/Result';

/**
 * Arithmetic on two numbers. Every method is idempotent: a retry on another instance is safe.
 */
export interface CalculatorClient extends grpc.Client {
  Add(argument: _calc_Operands, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_calc_Result__Output>): grpc.ClientUnaryCall;
  Add(argument: _calc_Operands, metadata: grpc.Metadata, callback: grpc.requestCallback<_calc_Result__Output>): grpc.ClientUnaryCall;
  Add(argument: _calc_Operands, options: grpc.CallOptions, callback: grpc.requestCallback<_calc_Result__Output>): grpc.ClientUnaryCall;
  Add(argument: _calc_Operands, callback: grpc.requestCallback<_calc_Result__Output>): grpc.ClientUnaryCall;
  add(argument: _calc_Operands, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_calc_Result__Output>): grpc.ClientUnaryCall;
  add(argument: _calc_Operands, metadata: grpc.Metadata, callback: grpc.requestCallback<_calc_Result__Output>): grpc.ClientUnaryCall;
  add(argument: _calc_Operands, options: grpc.CallOptions, callback: grpc.requestCallback<_calc_Result__Output>): grpc.ClientUnaryCall;
  add(argument: _calc_Operands, callback: grpc.requestCallback<_calc_Result__Output>): grpc.ClientUnaryCall;
  
  /**
   * Division by zero answers INVALID_ARGUMENT.
   */
  Div(argument: _calc_Operands, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_calc_Result__Output>): grpc.ClientUnaryCall;
  Div(argument: _calc_Operands, metadata: grpc.Metadata, callback: grpc.requestCallback<_calc_Result__Output>): grpc.ClientUnaryCall;
  Div(argument: _calc_Operands, options: grpc.CallOptions, callback: grpc.requestCallback<_calc_Result__Output>): grpc.ClientUnaryCall;
  Div(argument: _calc_Operands, callback: grpc.requestCallback<_calc_Result__Output>): grpc.ClientUnaryCall;
  /**
   * Division by zero answers INVALID_ARGUMENT.
   */
  div(argument: _calc_Operands, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_calc_Result__Output>): grpc.ClientUnaryCall;
  div(argument: _calc_Operands, metadata: grpc.Metadata, callback: grpc.requestCallback<_calc_Result__Output>): grpc.ClientUnaryCall;
  div(argument: _calc_Operands, options: grpc.CallOptions, callback: grpc.requestCallback<_calc_Result__Output>): grpc.ClientUnaryCall;
  div(argument: _calc_Operands, callback: grpc.requestCallback<_calc_Result__Output>): grpc.ClientUnaryCall;
  
  Mul(argument: _calc_Operands, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_calc_Result__Output>): grpc.ClientUnaryCall;
  Mul(argument: _calc_Operands, metadata: grpc.Metadata, callback: grpc.requestCallback<_calc_Result__Output>): grpc.ClientUnaryCall;
  Mul(argument: _calc_Operands, options: grpc.CallOptions, callback: grpc.requestCallback<_calc_Result__Output>): grpc.ClientUnaryCall;
  Mul(argument: _calc_Operands, callback: grpc.requestCallback<_calc_Result__Output>): grpc.ClientUnaryCall;
  mul(argument: _calc_Operands, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_calc_Result__Output>): grpc.ClientUnaryCall;
  mul(argument: _calc_Operands, metadata: grpc.Metadata, callback: grpc.requestCallback<_calc_Result__Output>): grpc.ClientUnaryCall;
  mul(argument: _calc_Operands, options: grpc.CallOptions, callback: grpc.requestCallback<_calc_Result__Output>): grpc.ClientUnaryCall;
  mul(argument: _calc_Operands, callback: grpc.requestCallback<_calc_Result__Output>): grpc.ClientUnaryCall;
  
  Sub(argument: _calc_Operands, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_calc_Result__Output>): grpc.ClientUnaryCall;
  Sub(argument: _calc_Operands, metadata: grpc.Metadata, callback: grpc.requestCallback<_calc_Result__Output>): grpc.ClientUnaryCall;
  Sub(argument: _calc_Operands, options: grpc.CallOptions, callback: grpc.requestCallback<_calc_Result__Output>): grpc.ClientUnaryCall;
  Sub(argument: _calc_Operands, callback: grpc.requestCallback<_calc_Result__Output>): grpc.ClientUnaryCall;
  sub(argument: _calc_Operands, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_calc_Result__Output>): grpc.ClientUnaryCall;
  sub(argument: _calc_Operands, metadata: grpc.Metadata, callback: grpc.requestCallback<_calc_Result__Output>): grpc.ClientUnaryCall;
  sub(argument: _calc_Operands, options: grpc.CallOptions, callback: grpc.requestCallback<_calc_Result__Output>): grpc.ClientUnaryCall;
  sub(argument: _calc_Operands, callback: grpc.requestCallback<_calc_Result__Output>): grpc.ClientUnaryCall;
  
}

/**
 * Arithmetic on two numbers. Every method is idempotent: a retry on another instance is safe.
 */
export interface CalculatorHandlers extends grpc.UntypedServiceImplementation {
  Add: grpc.handleUnaryCall<_calc_Operands__Output, _calc_Result>;
  
  /**
   * Division by zero answers INVALID_ARGUMENT.
   */
  Div: grpc.handleUnaryCall<_calc_Operands__Output, _calc_Result>;
  
  Mul: grpc.handleUnaryCall<_calc_Operands__Output, _calc_Result>;
  
  Sub: grpc.handleUnaryCall<_calc_Operands__Output, _calc_Result>;
  
}

export interface CalculatorDefinition extends grpc.ServiceDefinition {
  Add: MethodDefinition<_calc_Operands, _calc_Result, _calc_Operands__Output, _calc_Result__Output>
  Div: MethodDefinition<_calc_Operands, _calc_Result, _calc_Operands__Output, _calc_Result__Output>
  Mul: MethodDefinition<_calc_Operands, _calc_Result, _calc_Operands__Output, _calc_Result__Output>
  Sub: MethodDefinition<_calc_Operands, _calc_Result, _calc_Operands__Output, _calc_Result__Output>
}
