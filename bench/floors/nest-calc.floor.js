// The Nest floor's "calc": a minimal Nest app on the Fastify adapter with the same route and answer as
// apps/calc, and nothing else (no discovery, no logging, no metrics). Plain JS, decorators applied by hand,
// so the bench runs it without a build.
const { Controller, Get, Module, Param } = require('@nestjs/common');
const { listen } = require('./nest-floor');

class CalcController {
  add(a, b) {
    return { result: Number(a) + Number(b) };
  }
  health() {
    return { status: 'ok' };
  }
}
Param('a')(CalcController.prototype, 'add', 0);
Param('b')(CalcController.prototype, 'add', 1);
Reflect.decorate([Get('add/:a/:b')], CalcController.prototype, 'add', Object.getOwnPropertyDescriptor(CalcController.prototype, 'add'));
Reflect.decorate([Get('health')], CalcController.prototype, 'health', Object.getOwnPropertyDescriptor(CalcController.prototype, 'health'));
Reflect.decorate([Controller()], CalcController);

class CalcModule {}
Reflect.decorate([Module({ controllers: [CalcController] })], CalcModule);

listen(CalcModule, 'nest floor calc');
