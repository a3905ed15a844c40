// The gRPC floor's "calc": a bare grpc-js server of calc.Calculator (no Nest, no interceptor), listening on a free
// port and saying where as every app the bench starts does — what a unary call costs the server in grpc-js itself.
const { join } = require('node:path');
const grpc = require('@grpc/grpc-js');
const { loadSync } = require('@grpc/proto-loader');

const definition = grpc.loadPackageDefinition(loadSync(join(__dirname, '..', '..', 'proto', 'calc.proto'), { keepCase: true }));
const server = new grpc.Server();
server.addService(definition.calc.Calculator.service, {
  Add: (call, callback) => callback(null, { result: call.request.a + call.request.b }),
});
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) {
    console.error(error);
    process.exit(1);
  }
  console.log(`grpc floor calc listening on http://127.0.0.1:${port}`);
});
