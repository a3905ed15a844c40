// The e2e suites spawn the built apps: make sure dist/ matches the sources first.
const { buildIfStale } = require('../../../scripts/build-if-stale');

module.exports = async function globalSetup() {
  buildIfStale((line) => process.stdout.write(`\n[e2e] ${line}\n`));
};
