// The floor's "calc": a bare Fastify server with the same route and answer as apps/calc.
const fastify = require('fastify')({ logger: false });

fastify.get('/add/:a/:b', async (request) => ({ result: Number(request.params.a) + Number(request.params.b) }));
fastify.get('/health', async () => ({ status: 'ok' }));

fastify.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' }).then((url) => {
  console.log(`floor calc listening on ${url}`);
});
