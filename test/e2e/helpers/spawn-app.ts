import { ChildProcess, spawn } from 'node:child_process';
import { join, relative } from 'node:path';

export type AppName = 'registry' | 'calc' | 'gateway';

export interface RunningApp {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly proc: ChildProcess;
  /** Sends `signal` and resolves with the exit code once the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** SIGKILL, resolves once the process is gone. */
  kill(): Promise<void>;
  /** Everything the process printed so far (stdout + stderr). */
  output(): string;
}

const ROOT = join(__dirname, '..', '..', '..');
// Matches inside a JSON log line's msg too (the URL stops at the closing quote).
const LISTENING = /listening on (https?:\/\/[^\s/\x1b"]+)/;
const running = new Set<ChildProcess>();

process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Every port an app opens defaults to 0 (a free one); the app reports the real one. calc's gRPC
 * server follows PORT=0 on its own (no GRPC_PORT), as any number of calcs started alike must.
 */
const FREE_PORTS: Record<AppName, Record<string, string>> = {
  registry: { REGISTRY_PORT: '0' },
  calc: { PORT: '0' },
  gateway: { PORT: '0' },
};

const GRPC_LISTENING = /gRPC listening on [^\s"]+:(\d+)/;

/**
 * Spawns the built app (`dist/apps/<app>/main.js`) and resolves once it logs the URL it listens on.
 * Its ports default to 0 (free ones); the app reports the real ones.
 */
export function startApp(app: AppName, env: Record<string, string> = {}, timeoutMs = 15_000): Promise<RunningApp> {
  return startScript(join(ROOT, 'dist', 'apps', app, 'main.js'), { ...FREE_PORTS[app], ...env }, timeoutMs);
}

/** The gRPC port a calc reported (`gRPC listening on HOST:PORT`, logged before its HTTP line). */
export function grpcPortOf(app: RunningApp): number {
  const match = GRPC_LISTENING.exec(app.output());
  if (!match) throw new Error(`no "gRPC listening on" line in:\n${app.output()}`);
  return Number(match[1]);
}

/** Where and how `startScript` runs a script: its arguments, and its folder (default: the repo's root). */
export interface ScriptOptions {
  args?: string[];
  cwd?: string;
}

/** Spawns any Node script that logs `listening on http://HOST:PORT`, and resolves once it does. */
export function startScript(
  script: string,
  env: Record<string, string> = {},
  timeoutMs = 15_000,
  options: ScriptOptions = {},
): Promise<RunningApp> {
  const name = [relative(ROOT, script), ...(options.args ?? [])].join(' ');
  const proc = spawn(process.execPath, [script, ...(options.args ?? [])], {
    cwd: options.cwd ?? ROOT,
    // NO_COLOR: Nest's logger would otherwise wrap the URL in ANSI colour codes.
    env: { ...process.env, NODE_ENV: 'test', NO_COLOR: '1', ADVERTISE_HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(proc);
  let output = '';
  const exited = new Promise<number | null>((resolve) => {
    proc.once('exit', (code, signal) => {
      running.delete(proc);
      resolve(code ?? (signal ? null : code));
    });
  });

  return new Promise<RunningApp>((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`${name} did not report listening within ${timeoutMs} ms. Output:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = LISTENING.exec(output);
      if (!match) return;
      proc.stdout?.off('data', onData);
      proc.stdout?.on('data', (more: Buffer) => (output += more.toString()));
      clearTimeout(timer);
      const url = match[1].replace('0.0.0.0', '127.0.0.1');
      resolve({
        url,
        port: Number(new URL(url).port),
        pid: proc.pid ?? -1,
        proc,
        output: () => output,
        stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
          if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
          return exited;
        },
        kill: async () => {
          if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
          await exited;
        },
      });
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before listening. Output:\n${output}`));
    });
  });
}

/** Stops every app this helper started; call from afterAll. */
export async function stopAll(): Promise<void> {
  await Promise.all(
    [...running].map(
      (proc) =>
        new Promise<void>((resolve) => {
          proc.once('exit', () => resolve());
          proc.kill('SIGKILL');
        }),
    ),
  );
}
