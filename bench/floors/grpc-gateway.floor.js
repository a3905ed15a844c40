// The gRPC floor's "gateway": a minimal Nest app on the Fastify adapter answering GET /grpc/calc/add/:a/:b through a
// bare grpc-js client (one channel, deadline set, no discovery) — the floor of the gateway's gRPC hop.
const { join } = require('node:path');
const { Controller, Get, Module, Param } = require('@nestjs/common');
const grpc = require('@grpc/grpc-js');
const { loadSync } = require('@grpc/proto-loader');
const { listen } = require('./nest-floor');

const definition = grpc.loadPackageDefinition(loadSync(join(__dirname, '..', '..', 'proto', 'calc.proto'), { keepCase: true }));
const calc = new definition.calc.Calculator(new URL(process.env.CALC_URL).host, grpc.credentials.createInsecure());

class GatewayController {
  add(a, b) {
    return new Promise((resolve, reject) =>
      calc.Add({ a: Number(a), b: Number(b) }, { deadline: Date.now() + 5000 }, (error, answer) => (error ? reject(error) : resolve(answer))),
    );
  }
}
Param('a')(GatewayController.prototype, 'add', 0);
Param('b')(GatewayController.prototype, 'add', 1);
Reflect.decorate([Get('grpc/calc/add/:a/:b')], GatewayController.prototype, 'add', Object.getOwnPropertyDescriptor(GatewayController.prototype, 'add'));
Reflect.decorate([Controller()], GatewayController);

class GatewayModule {}
Reflect.decorate([Module({ controllers: [GatewayController] })], GatewayModule);

listen(GatewayModule, 'grpc floor gateway');
