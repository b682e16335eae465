// The standalone app for `npm run bench`: one process, a fresh DATA_DIR, a free port.
import { join } from 'node:path';
import { freePort, startNode, waitForHttp200 } from './processes.mjs';

/**
 * Starts dist/apps/standalone as `npm start` does (with `nodeFlags` in front, e.g.
 * --optimize-for-size) and waits for GET /health; `onStart(role, proc)` as it is spawned. `env`
 * adds to its environment (the bench's event-loop monitor).
 */
export async function startStandalone({ root, dataDir, apiKeys, logFile, nodeArgs = [], nodeFlags = [], env = {}, onStart }) {
  const port = await freePort();
  const proc = startNode([...nodeFlags, ...nodeArgs, join(root, 'dist/apps/standalone/src/main.js')], {
    // RATE_LIMITS off: the bench measures the server, not the rate limiter (its default would refuse the load phases).
    // WEBHOOK_ALLOW_PRIVATE_TARGETS: the webhooks phase's receiver listens on loopback; the other WEBHOOK_* settings are the defaults.
    env: { ...env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', API_KEYS: JSON.stringify(apiKeys), RATE_LIMITS: 'off', WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' },
    logFile: logFile('server'),
    cwd: root,
  });
  onStart('server', proc);
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForHttp200(`${baseUrl}/health`, proc);
  return { baseUrl, apps: [{ role: 'server', app: 'standalone', port, proc }] };
}
