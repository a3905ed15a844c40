// Nest CLI webpack hook of the apps that load .proto files at run time (calc, gateway, and the registry for
// its gRPC health checks; see nest-cli.json): every build copies proto/*.proto beside the bundle
// (dist/apps/<app>/proto). nest-cli's `assets` option cannot: it refuses files outside an app's sourceRoot.
const { cpSync, statSync } = require('node:fs');
const { dirname, join } = require('node:path');

const PROTO_DIR = join(__dirname, '..', 'proto');

/** .proto files and the folders that hold them; not the generated TypeScript. */
function isProtoAsset(path) {
  return statSync(path).isDirectory() ? !path.endsWith('generated') : path.endsWith('.proto');
}

module.exports = (options) => {
  const copyProtos = {
    apply(compiler) {
      compiler.hooks.afterEmit.tap('CopyProtos', () => {
        // Nest names the bundle `apps/<app>/main.js` under the output path.
        const bundleDir = dirname(join(compiler.outputPath, options.output.filename));
        cpSync(PROTO_DIR, join(bundleDir, 'proto'), { recursive: true, filter: isProtoAsset });
      });
    },
  };
  // pathinfo: each module's source path in a comment above it, so a CPU profile of the bundle can be split into
  // the app's and the library's code (bench/harness/cpu-breakdown.ts); comments only, no run-time cost.
  return { ...options, output: { ...options.output, pathinfo: true }, plugins: [...(options.plugins ?? []), copyProtos] };
};
