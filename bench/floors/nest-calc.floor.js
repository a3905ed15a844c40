// The Nest floor's "calc": a minimal Nest app on the Fastify adapter with the same route and answer as
// apps/calc, and nothing else (no discovery, no logging, no metrics). Plain JS, decorators applied by hand,
// so the bench runs it without a build.
require('reflect-metadata');
const { Controller, Get, Module, Param } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { FastifyAdapter } = require('@nestjs/platform-fastify');

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

NestFactory.create(CalcModule, new FastifyAdapter(), { logger: false })
  .then(async (app) => {
    await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
    console.log(`nest floor calc listening on ${await app.getUrl()}`);
  })
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
