/**
 * Shaping series for the inline charts: min/max downsampling (a week of one-minute samples is
 * ~10 000 points per series; a 900-px chart shows at most ~2 per pixel) and aligning series that
 * were sampled on different x grids onto one shared x (uPlot's data layout).
 */

/** Default cap on points per chart: about two per horizontal pixel of a 1000-px chart. */
export const MAX_CHART_POINTS = 2_000;

/**
 * Keeps, per bucket of consecutive samples, the first and last index and each series' argmin and
 * argmax, so spikes survive (a plain stride would drop them). Returns sorted, distinct indices;
 * every index when the input already fits.
 */
export function downsampleIndices(n: number, series: readonly (readonly (number | null)[])[], maxPoints = MAX_CHART_POINTS): number[] {
  if (n <= maxPoints) return Array.from({ length: n }, (_, i) => i);
  const perBucket = 2 + 2 * series.length;
  const buckets = Math.max(1, Math.floor(maxPoints / perBucket));
  const keep = new Set<number>([0, n - 1]);
  for (let b = 0; b < buckets; b++) {
    const lo = Math.floor((b * n) / buckets);
    const hi = Math.floor(((b + 1) * n) / buckets) - 1;
    if (hi < lo) continue;
    keep.add(lo).add(hi);
    for (const ys of series) {
      let iMin = -1;
      let iMax = -1;
      for (let i = lo; i <= hi; i++) {
        const v = ys[i];
        if (v === null || !Number.isFinite(v)) continue;
        if (iMin < 0 || v < (ys[iMin] as number)) iMin = i;
        if (iMax < 0 || v > (ys[iMax] as number)) iMax = i;
      }
      if (iMin >= 0) keep.add(iMin).add(iMax);
    }
  }
  return [...keep].sort((a, b) => a - b);
}

/** x and every series restricted to `downsampleIndices`. */
export function downsample(x: readonly number[], series: readonly (readonly (number | null)[])[], maxPoints = MAX_CHART_POINTS): { x: number[]; series: (number | null)[][] } {
  const idx = downsampleIndices(x.length, series, maxPoints);
  return { x: idx.map((i) => x[i]), series: series.map((ys) => idx.map((i) => finiteOrNull(ys[i]))) };
}

/**
 * Series sampled on their own x grids, on the union grid (sorted, distinct); a series has null
 * where it has no sample of its own.
 */
export function alignSeries(parts: readonly { readonly x: readonly number[]; readonly y: readonly number[] }[]): { x: number[]; series: (number | null)[][] } {
  const x = [...new Set(parts.flatMap((p) => p.x))].sort((a, b) => a - b);
  const pos = new Map(x.map((v, i) => [v, i]));
  const series = parts.map((p) => {
    const out: (number | null)[] = new Array<number | null>(x.length).fill(null);
    p.x.forEach((xv, i) => (out[pos.get(xv)!] = finiteOrNull(p.y[i])));
    return out;
  });
  return { x, series };
}

function finiteOrNull(v: number | null | undefined): number | null {
  return v === null || v === undefined || !Number.isFinite(v) ? null : v;
}
