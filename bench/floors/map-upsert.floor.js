// The renewal floor: a bare Fastify POST that upserts a JSON body into a Map and answers a small object.
const fastify = require('fastify')({ logger: false, bodyLimit: 65536 });

const instances = new Map();
let revision = 1;

fastify.post('/register', async (request, reply) => {
  const body = request.body;
  const created = !instances.has(body.id);
  instances.set(body.id, { ...body, lastHeartbeat: new Date().toISOString() });
  if (created) revision++;
  return reply.code(created ? 201 : 200).send({ instance: instances.get(body.id), revision });
});

fastify.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' }).then((url) => {
  console.log(`floor registry listening on ${url}`);
});
