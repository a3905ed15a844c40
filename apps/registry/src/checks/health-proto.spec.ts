import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { protoFile } from '@nest-discovery/discovery/grpc';
import { healthProtoPath } from './health-proto';

describe('healthProtoPath', () => {
  it('is the monorepo proto from the sources', () => {
    expect(healthProtoPath()).toBe(protoFile('health.proto'));
  });

  it("is the package's copy, one folder above the compiled checks (dist/proto), when there is one", () => {
    const dist = mkdtempSync(join(tmpdir(), 'registry-package-'));
    mkdirSync(join(dist, 'proto'));
    writeFileSync(join(dist, 'proto', 'health.proto'), 'syntax = "proto3";');
    expect(healthProtoPath(join(dist, 'checks'))).toBe(join(dist, 'proto', 'health.proto'));
  });
});
