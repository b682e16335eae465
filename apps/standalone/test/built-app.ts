import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** The built standalone app, run as `npm start` runs it, for the specs that need the real process (graceful shutdown, tracing). */
const ROOT = join(__dirname, '..', '..', '..');

/** The built output is what runs in production: build it when a source is newer (a no-op otherwise). */
export function buildIfStale(): void {
  const build = spawnSync(process.execPath, [join(ROOT, 'tools/cli/build-if-stale.mjs')], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The built app as `npm start` runs it, JSON logs on its stdout collected line by line. */
export function startBuiltApp(env: NodeJS.ProcessEnv): { child: ChildProcess; lines: () => Record<string, unknown>[]; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [join(ROOT, 'dist/apps/standalone/src/main.js')], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines = () =>
    stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  void exited.then((code) => {
    if (code !== 0) process.stderr.write(`the app exited with ${code}:\n${stdout}\n${stderr}\n`);
  });
  return { child, lines, exited };
}

/** Until /health/ready answers 200; fails if the app exits first or takes more than 30 s. */
export async function waitUntilReady(url: string, exited: Promise<unknown>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && !gone) {
    const ready = await fetch(`${url}/health/ready`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the app did not get ready');
}
