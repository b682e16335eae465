/** Wix's retry schedule for webhooks: after the first attempt, 12 more over about two days. */
export const WIX_RETRY_SCHEDULE = '1m,10m,1h,2h,2h,2h,4h,4h,4h,8h,8h,12h';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `WEBHOOK_RETRY_SCHEDULE`: comma-separated delays such as `1m,10m,1h` (units ms, s, m, h, d). */
export function parseRetrySchedule(text: string): number[] {
  const delays = text.split(',').map((part) => part.trim());
  return delays.map((part) => {
    const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(part);
    if (!match) throw new Error(`"${part}" is not a delay such as 30s, 10m or 2h (in "${text}")`);
    return Math.round(Number(match[1]) * UNIT_MS[match[2]]);
  });
}
