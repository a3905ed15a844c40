// The Nest floor of a renewal: a minimal Nest app on the Fastify adapter whose POST /register upserts the JSON
// body into a Map and answers a small object — what the registry's renewal is measured against. Plain JS.
const { Body, Controller, HttpCode, Module, Post, Res } = require('@nestjs/common');
const { listen } = require('./nest-floor');

const instances = new Map();
let revision = 1;

class RegisterController {
  register(body, reply) {
    const created = !instances.has(body.id);
    instances.set(body.id, { ...body, lastHeartbeat: new Date().toISOString() });
    if (created) revision++;
    reply.status(created ? 201 : 200);
    return { instance: instances.get(body.id), revision };
  }
}
Body()(RegisterController.prototype, 'register', 0);
Res({ passthrough: true })(RegisterController.prototype, 'register', 1);
const descriptor = Object.getOwnPropertyDescriptor(RegisterController.prototype, 'register');
Reflect.decorate([Post('register'), HttpCode(200)], RegisterController.prototype, 'register', descriptor);
Reflect.decorate([Controller()], RegisterController);

class FloorModule {}
Reflect.decorate([Module({ controllers: [RegisterController] })], FloorModule);

listen(FloorModule, 'nest floor registry', { bodyLimit: 65536 });
