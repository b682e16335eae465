// Child processes of the bench: started detached in their own process group so that stopping
// one also stops anything it started, and always stopped by pid (never by name).
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { createServer } from 'node:net';

/** A free TCP port on 127.0.0.1, found by letting the kernel pick one. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `node <args>` with its output appended to `logFile`. Returns { child, pid, exited }
 * where `exited` resolves with the exit code (or signal) when it ends. The child writes the file
 * itself: piped through the bench, every log line (one per request) cost the bench's own process
 * CPU on the same two cores as the server it measures.
 */
export function startNode(args, { env = {}, logFile, cwd } = {}) {
  const log = openSync(logFile, 'a');
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', log, log],
    detached: true,
  });
  closeSync(log);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  return { child, pid: child.pid, exited, logFile };
}

/** SIGTERM to the process group, SIGKILL after `graceMs` if it is still there. */
export async function stopProcess(proc, graceMs = 15_000) {
  if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return proc?.exited;
  signalGroup(proc.pid, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(proc.pid, 'SIGKILL'), graceMs);
  const result = await proc.exited;
  clearTimeout(timer);
  return result;
}

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

/** Polls `url` until it answers 200, the process exits, or `timeoutMs` passes. */
export async function waitForHttp200(url, proc, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  proc.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`the process exited before ${url} answered 200; see ${proc.logFile}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      /* not listening yet */
    }
    await sleep(200);
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs / 1000} s; see ${proc.logFile}`);
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs a command to completion with inherited output; rejects on a non-zero exit. */
export function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: options.quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit', ...options });
    let output = '';
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`${command} ${args.join(' ')} exited with ${code}\n${output.slice(-4000)}`))));
  });
}

/** Stops apps ({ role, app, proc }): a gateway first (no new requests), then the rest together. Returns role -> exit. */
export async function stopApps(apps) {
  const exits = {};
  const first = apps.filter((a) => a.app === 'gateway');
  for (const a of first) exits[a.role] = await stopProcess(a.proc);
  await Promise.all(apps.filter((a) => !first.includes(a)).map(async (a) => (exits[a.role] = await stopProcess(a.proc))));
  return exits;
}
