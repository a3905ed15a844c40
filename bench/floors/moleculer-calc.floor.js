// Moleculer's side of the fast-lane comparison: a broker with one service, `calc.add`, on Moleculer's TCP
// transporter (length-prefixed frames on persistent connections, JSON serializer, no UDP discovery). The
// gateway floor finds it by the address this prints. See shared/PERF-NOTES.md: the peer to beat.
const { ServiceBroker } = require('moleculer');
const { loopbackOnly } = require('./moleculer-loopback');

const broker = new ServiceBroker({
  nodeID: 'calc-floor',
  logger: false,
  transporter: { type: 'TCP', options: { udpDiscovery: false, port: 0 } },
});
loopbackOnly(broker);

broker.createService({
  name: 'calc',
  actions: {
    add(ctx) {
      return { result: ctx.params.a + ctx.params.b };
    },
  },
});

broker.start().then(() => {
  const port = broker.transit.tx.opts.port;
  // The harness waits for "listening on http://…": the address is the transporter's TCP one, not HTTP.
  console.log(`moleculer calc node listening on http://127.0.0.1:${port}`);
});
