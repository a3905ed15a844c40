// The floor's "gateway": a bare Fastify server forwarding to one calc over an undici keep-alive pool —
// the least a service-to-service hop can cost on this machine (see shared/PERF-NOTES.md).
const { Pool } = require('undici');
const fastify = require('fastify')({ logger: false });

const calc = new Pool(process.env.CALC_URL, { connections: 64, pipelining: 1 });

fastify.get('/calc/add/:a/:b', async (request, reply) => {
  const upstream = await calc.request({ method: 'GET', path: `/add/${request.params.a}/${request.params.b}` });
  const body = await upstream.body.json();
  return reply.code(upstream.statusCode).send(body);
});

fastify.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' }).then((url) => {
  console.log(`floor gateway listening on ${url}`);
});
