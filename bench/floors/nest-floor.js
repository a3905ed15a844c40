// What the Nest floors share: a minimal Nest app on the Fastify adapter, no logger, listening on PORT (0: a
// free one) on loopback and saying where, as every app the bench starts does.
require('reflect-metadata');
const { NestFactory } = require('@nestjs/core');
const { FastifyAdapter } = require('@nestjs/platform-fastify');

/** Starts `module` (`adapterOptions` for Fastify) and logs `<name> listening on <url>`; exits 1 if it cannot. */
function listen(module, name, adapterOptions) {
  NestFactory.create(module, new FastifyAdapter(adapterOptions), { logger: false })
    .then(async (app) => {
      await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
      console.log(`${name} listening on ${await app.getUrl()}`);
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}

module.exports = { listen };
