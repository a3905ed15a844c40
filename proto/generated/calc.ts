import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { CalculatorClient as _calc_CalculatorClient, CalculatorDefinition as _calc_CalculatorDefinition } from './calc/Calculator';
import type { Operands as _calc_Operands, Operands__Output as _calc_Operands__Output } from './calc/Operands';
import type { Result as _calc_Result, Result__Output as _calc_Result__Output } from './calc/Result';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  calc: {
    /**
     * Arithmetic on two numbers. Every method is idempotent: a retry on another instance is safe.
     */
    Calculator: SubtypeConstructor<typeof grpc.Client, _calc_CalculatorClient> & { service: _calc_CalculatorDefinition }
    Operands: MessageTypeDefinition<_calc_Operands, _calc_Operands__Output>
    Result: MessageTypeDefinition<_calc_Result, _calc_Result__Output>
  }
}

