// Nest CLI webpack hook of the apps that speak gRPC (calc, gateway; see nest-cli.json): their bundles
// load proto/*.proto at run time, so every build copies them beside the bundle (dist/apps/<app>/proto).
// nest-cli's `assets` option cannot: it refuses files outside an app's sourceRoot.
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
  return { ...options, plugins: [...(options.plugins ?? []), copyProtos] };
};
