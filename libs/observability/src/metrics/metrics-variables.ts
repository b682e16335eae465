import { flag } from '@cp/config';

/** The standalone app and the gateway: whether their API port also serves /metrics. */
export const metricsVariables = {
  METRICS: flag(true, {
    description:
      'serve GET /metrics (Prometheus text format) on the API port, with no API key, like /health; false: not served (where that port is reachable from outside and no proxy keeps /metrics in). Services serve it on HEALTH_PORT.',
  }),
};
