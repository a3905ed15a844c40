// Nest CLI webpack hook of the registry (see nest-cli.json): what every proto-loading app gets
// (scripts/webpack-proto-assets.js), plus the dashboard's static files copied to dist/apps/registry/ui/assets,
// where the bundle looks for them (apps/registry/src/ui/ui.assets.ts). Not nest-cli's `assets` option: since
// Nest CLI 12 it lays files out relative to the tsconfig's rootDir, the repository root here (an app's program
// includes libs/), so they would land in dist/apps/registry/apps/registry/src/ui/assets.
const { cpSync } = require('node:fs');
const { dirname, join } = require('node:path');
const withProtoAssets = require('./webpack-proto-assets');

const UI_ASSETS = join(__dirname, '..', 'apps', 'registry', 'src', 'ui', 'assets');

module.exports = (options) => {
  const config = withProtoAssets(options);
  const copyUiAssets = {
    apply(compiler) {
      compiler.hooks.afterEmit.tap('CopyUiAssets', () => {
        const bundleDir = dirname(join(compiler.outputPath, options.output.filename));
        cpSync(UI_ASSETS, join(bundleDir, 'ui', 'assets'), { recursive: true });
      });
    },
  };
  return { ...config, plugins: [...config.plugins, copyUiAssets] };
};
