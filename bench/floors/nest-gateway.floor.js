// The Nest floor's "gateway": a minimal Nest app on the Fastify adapter forwarding to one calc over an undici
// keep-alive pool — what a Nest → Nest hop costs with no discovery, no logging, no metrics and no request ids,
// the floor the gateway's declarative hop is measured against. Plain JS, decorators applied by hand.
const { Controller, Get, Module, Param } = require('@nestjs/common');
const { listen } = require('./nest-floor');
const { Pool } = require('undici');

const calc = new Pool(process.env.CALC_URL, { connections: 64, pipelining: 1 });

class GatewayController {
  async add(a, b) {
    const upstream = await calc.request({ method: 'GET', path: `/add/${a}/${b}` });
    return upstream.body.json();
  }
}
Param('a')(GatewayController.prototype, 'add', 0);
Param('b')(GatewayController.prototype, 'add', 1);
Reflect.decorate([Get('calc/add/:a/:b')], GatewayController.prototype, 'add', Object.getOwnPropertyDescriptor(GatewayController.prototype, 'add'));
Reflect.decorate([Controller()], GatewayController);

class GatewayModule {}
Reflect.decorate([Module({ controllers: [GatewayController] })], GatewayModule);

listen(GatewayModule, 'nest floor gateway');
