import { createServer, Server } from 'node:http';
import { HealthReport } from '@cp/contracts';

/** A service's own `/health` for orchestrators: 200 when ready, 503 with the report otherwise. */
export function startHealthServer(port: number, host: string, report: () => Promise<HealthReport>): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.url !== '/health') {
      response.writeHead(404).end();
      return;
    }
    report().then(
      (health) => response.writeHead(health.ready ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(health)),
      (error: unknown) => response.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ ready: false, detail: String(error) })),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
