/** Mean with a Student-t 95% interval over seeds (DESIGN §9: every figure is a mean ± 95% CI). */

/** Two-sided 97.5% quantiles of Student's t for df = 1..30. */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

export function tQuantile975(df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new Error(`t quantile needs df ≥ 1, got ${df}`);
  if (df <= 30) return T975[df - 1];
  // Cornish–Fisher expansion around z = 1.96; error < 1e-3 for df > 30.
  const z = 1.959964;
  const g1 = (z ** 3 + z) / 4;
  const g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96;
  return z + g1 / df + g2 / (df * df);
}

export interface Interval {
  readonly mean: number;
  readonly lo: number;
  readonly hi: number;
  readonly n: number;
  readonly sd: number;
}

export function meanInterval(xs: readonly number[]): Interval {
  const n = xs.length;
  if (n === 0) throw new Error("cannot summarise an empty sample");
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, lo: mean, hi: mean, n, sd: 0 };
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const half = tQuantile975(n - 1) * (sd / Math.sqrt(n));
  return { mean, lo: mean - half, hi: mean + half, n, sd };
}

/** True when the intervals do not overlap and a is above b. */
export function strictlyAbove(a: Interval, b: Interval): boolean {
  return a.lo > b.hi;
}

/** Mean of the worst `q` fraction (CVaR at level q) of a sample. */
export function cvar(xs: readonly number[], q = 0.05): number {
  if (xs.length === 0) throw new Error("cannot take CVaR of an empty sample");
  const sorted = [...xs].sort((a, b) => a - b);
  const k = Math.max(1, Math.ceil(q * sorted.length));
  return sorted.slice(0, k).reduce((a, b) => a + b, 0) / k;
}
