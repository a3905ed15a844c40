// Moleculer's gateway: a bare Fastify front calling `calc.add` through `broker.call` over the TCP
// transporter, the hop PERF-NOTES measured at 91 µs of server CPU per request. CALC_URL's port is the calc
// node's TCP transporter.
const { ServiceBroker } = require('moleculer');
const fastify = require('fastify')({ logger: false });
const { loopbackOnly } = require('./moleculer-loopback');

const calcPort = new URL(process.env.CALC_URL).port;
const broker = new ServiceBroker({
  nodeID: 'gateway-floor',
  logger: false,
  transporter: { type: 'TCP', options: { udpDiscovery: false, port: 0, urls: [`127.0.0.1:${calcPort}/calc-floor`] } },
});
loopbackOnly(broker);

fastify.get('/calc/add/:a/:b', (request) => broker.call('calc.add', { a: Number(request.params.a), b: Number(request.params.b) }));

broker
  .start()
  .then(() => broker.waitForServices('calc', 10_000))
  .then(() => fastify.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' }))
  .then((url) => console.log(`moleculer gateway floor listening on ${url}`));
