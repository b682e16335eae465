// Small statistics shared by the bench's phases.

export const round2 = (x) => Math.round(x * 100) / 100;

/** The p-th percentile (nearest rank) of `values`, rounded to 0.01. */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return round2(sorted[index]);
}
