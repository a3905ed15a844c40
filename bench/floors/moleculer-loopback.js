// Keeps the Moleculer floors on loopback: a node advertises its hostname (or first external address) to its
// peers, which then connect there; the benchmark's traffic stays on 127.0.0.1. (Moleculer's registry
// fields, set before the broker starts and gossips them.)
exports.loopbackOnly = (broker) => {
  const node = broker.registry.nodes.localNode;
  node.hostname = '127.0.0.1';
  node.ipList = ['127.0.0.1'];
};
