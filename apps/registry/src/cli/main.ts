#!/usr/bin/env node
// The `nest-discovery` bin of @nest-discovery/registry: `nest-discovery --help`. In the monorepo,
// `npm run cli -- …` runs this file from the sources.
import { runCli } from './cli';
import { processOutput } from './cli.output';

void runCli(process.argv.slice(2), process.env, processOutput).then((code) => {
  process.exitCode = code;
});
