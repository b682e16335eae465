import { createServer, Server } from 'node:http';
import { HealthReport } from '@cp/contracts';

export interface HealthEndpoints {
  /** What `/health` reports: the service's stores and projections. */
  report: () => Promise<HealthReport>;
  /** What `/health/ready` reports: that, and its bus (the Kafka consumer of its requests). */
  readiness: () => Promise<HealthReport>;
  /** True once the process has begun to stop: `/health/ready` answers 503 from then on. */
  draining: () => boolean;
  /** What `/metrics` answers (Prometheus's text format); absent: 404. */
  metrics?: () => Promise<{ contentType: string; body: string }>;
}

const json = { 'content-type': 'application/json' };

/**
 * A service's health endpoints for orchestrators, on HEALTH_PORT:
 * - `/health`: 200 when ready, 503 with the report otherwise (as it always was);
 * - `/health/ready`: the same and the bus, and 503 once the process is stopping;
 * - `/health/live`: 200 while the process answers at all;
 * - `/metrics`: the process's metrics, for Prometheus.
 */
export function startHealthServer(port: number, host: string, endpoints: HealthEndpoints): Promise<Server> {
  const server = createServer((request, response) => {
    const path = request.url?.split('?')[0];
    if (path === '/metrics' && endpoints.metrics) {
      endpoints.metrics().then(
        ({ contentType, body }) => response.writeHead(200, { 'content-type': contentType }).end(body),
        (error: unknown) => response.writeHead(500).end(String(error)),
      );
      return;
    }
    if (path === '/health/live') {
      response.writeHead(200, json).end(JSON.stringify({ status: endpoints.draining() ? 'draining' : 'ok' }));
      return;
    }
    if (path === '/health/ready' && endpoints.draining()) {
      response.writeHead(503, json).end(JSON.stringify({ ready: false, detail: 'stopping' }));
      return;
    }
    if (path !== '/health' && path !== '/health/ready') {
      response.writeHead(404).end();
      return;
    }
    (path === '/health' ? endpoints.report() : endpoints.readiness()).then(
      (health) => response.writeHead(health.ready ? 200 : 503, json).end(JSON.stringify(health)),
      (error: unknown) => response.writeHead(503, json).end(JSON.stringify({ ready: false, detail: String(error) })),
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
