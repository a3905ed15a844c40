import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { http } from '../helpers/http';
import { tmpDir } from '../helpers/tmp-dir';
import { waitFor } from '../helpers/wait-for';

describe('npm start (smoke)', () => {
  it('brings the topology up, answers the sample call, and stops every child on Ctrl-C', async () => {
    const proc = spawn(process.execPath, [join(__dirname, '..', '..', '..', 'scripts', 'start.js')], {
      env: {
        ...process.env,
        REGISTRY_PORT: '0',
        GATEWAY_PORT: '0',
        // Free ports for every listener: no CALC_GRPC_PORTS needed.
        CALC_PORTS: '0,0',
        REGISTRY_DATA_DIR: tmpDir(),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    proc.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    proc.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));

    try {
      const sample = await waitFor(() => /try: {2}curl ([^\s\x1b]+)/.exec(output)?.[1], {
        timeoutMs: 60_000,
        message: 'the sample call to be printed',
      });
      const registryUrl = /registry {2}([^\s\x1b]+)/.exec(output)?.[1];
      const response = await http<{ result: number }>(sample.replace('localhost', '127.0.0.1'));
      expect(response).toMatchObject({ status: 200, body: { result: 3 } });
      const grpcSample = /try: {2}curl ([^\s\x1b]+\/grpc\/calc\/[^\s\x1b]+)/.exec(output)?.[1];
      expect(grpcSample).toBeDefined();
      expect(await http(grpcSample!.replace('localhost', '127.0.0.1'))).toMatchObject({ status: 200, body: { result: 3 } });
      // One entry per calc process, its gRPC server a named endpoint of it.
      const calc = await http<Array<{ protocol: string; endpoints?: { grpc?: { protocol: string } } }>>(`${registryUrl}/service/calc`);
      expect(calc.body.map((i) => [i.protocol, i.endpoints?.grpc?.protocol])).toEqual([
        ['http', 'grpc'],
        ['http', 'grpc'],
      ]);
    } finally {
      proc.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(output).toMatch(/calc-1 stopped/);
    expect(output).toMatch(/calc-2 stopped/);
    expect(output).toMatch(/registry stopped/);
  }, 90_000);
});
