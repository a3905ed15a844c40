// Original file: proto/calc.proto


/**
 * Both operands are required (explicit presence, so 0 is told from "missing") and must be finite;
 * otherwise the call answers INVALID_ARGUMENT naming the operand.
 */
export interface Operands {
  'a'?: (number | string);
  'b'?: (number | string);
  '_a'?: "a";
  '_b'?: "b";
}

/**
 * Both operands are required (explicit presence, so 0 is told from "missing") and must be finite;
 * otherwise the call answers INVALID_ARGUMENT naming the operand.
 */
export interface Operands__Output {
  'a'?: (number);
  'b'?: (number);
  '_a'?: "a";
  '_b'?: "b";
}
