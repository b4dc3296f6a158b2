/** Per-feature mean/std scaling, fitted on training rows only and stored with each model. */
export interface Standardizer {
  readonly means: readonly number[];
  readonly stds: readonly number[];
}

/** A column with (near) zero spread gets std 1, so it passes through centred instead of exploding. */
export function fitStandardizer(rows: readonly (readonly number[])[]): Standardizer {
  if (rows.length === 0) throw new Error("cannot fit a standardizer on zero rows");
  const d = rows[0].length;
  const means = new Array<number>(d).fill(0);
  const stds = new Array<number>(d).fill(0);
  for (const r of rows) {
    if (r.length !== d) throw new Error(`row has ${r.length} features, expected ${d}`);
    r.forEach((v, j) => (means[j] += v / rows.length));
  }
  for (const r of rows) r.forEach((v, j) => (stds[j] += (v - means[j]) ** 2 / rows.length));
  return { means, stds: stds.map((v) => (Math.sqrt(v) > 1e-12 ? Math.sqrt(v) : 1)) };
}

export function standardizeRows(s: Standardizer, rows: readonly (readonly number[])[]): number[][] {
  return rows.map((r) => {
    if (r.length !== s.means.length) throw new Error(`row has ${r.length} features, the model expects ${s.means.length}`);
    return r.map((v, j) => (v - s.means[j]) / s.stds[j]);
  });
}
