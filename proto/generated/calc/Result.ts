// Original file: proto/calc.proto


export interface Result {
  'result'?: (number | string);
}

export interface Result__Output {
  'result': (number);
}
