import { HealthReport } from '@cp/contracts';

export type HealthProbe = () => Promise<void> | boolean | string;

/**
 * Runs a service's probes: a probe passes when it resolves or returns true; a string is the
 * reason it is not ready yet.
 */
export async function healthReport(service: string, probes: Record<string, HealthProbe>): Promise<HealthReport> {
  const parts: HealthReport['parts'] = {};
  for (const [name, probe] of Object.entries(probes)) {
    try {
      const outcome = await probe();
      parts[name] = typeof outcome === 'string' ? { ready: false, detail: outcome } : { ready: outcome !== false };
    } catch (error) {
      parts[name] = { ready: false, detail: error instanceof Error ? error.message : String(error) };
    }
  }
  return { service, ready: Object.values(parts).every((part) => part.ready), parts };
}
