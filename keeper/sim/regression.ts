/**
 * Seed 002's volume model: `volume = β0 + β1·price + β2·k` fitted by ordinary least squares on
 * simulated runs over a grid of price levels and depths (hold policy, driftless GBM), with R².
 * Also fits the square-root form `β0 + β1·price + β2·sqrtK` the seed suggests as an alternative.
 */
import { runEpisode } from "./episode";
import { parseScenario, type Scenario } from "./scenario";
import { holdPolicy } from "./simplePolicies";

export interface OlsFit {
  readonly coefficients: number[];
  readonly r2: number;
  readonly n: number;
  /** Standard errors of the coefficients (homoskedastic OLS). */
  readonly stdErrors: number[];
}

/** OLS with an intercept column already in X (rows × p), via the normal equations (p is tiny). */
export function leastSquares(X: readonly (readonly number[])[], y: readonly number[]): OlsFit {
  const n = X.length;
  const p = X[0].length;
  if (n <= p) throw new Error(`leastSquares: need more rows (${n}) than coefficients (${p})`);
  const A = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const b = new Array<number>(p).fill(0);
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < p; i++) {
      b[i] += X[r][i] * y[r];
      for (let j = 0; j < p; j++) A[i][j] += X[r][i] * X[r][j];
    }
  }
  const inv = invert(A);
  const beta = inv.map((row) => row.reduce((s, v, j) => s + v * b[j], 0));
  const mean = y.reduce((s, v) => s + v, 0) / n;
  let ssRes = 0;
  let ssTot = 0;
  for (let r = 0; r < n; r++) {
    const fit = X[r].reduce((s, v, j) => s + v * beta[j], 0);
    ssRes += (y[r] - fit) ** 2;
    ssTot += (y[r] - mean) ** 2;
  }
  const sigma2 = ssRes / (n - p);
  return { coefficients: beta, r2: ssTot > 0 ? 1 - ssRes / ssTot : 1, n, stdErrors: inv.map((row, i) => Math.sqrt(sigma2 * row[i])) };
}

/** Gauss–Jordan inverse with partial pivoting; throws on a singular matrix. */
function invert(M: number[][]): number[][] {
  const p = M.length;
  const a = M.map((row, i) => [...row, ...Array.from({ length: p }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < p; c++) {
    let piv = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(a[r][c]) > Math.abs(a[piv][c])) piv = r;
    if (Math.abs(a[piv][c]) < 1e-300) throw new Error("leastSquares: singular design matrix (collinear regressors)");
    [a[c], a[piv]] = [a[piv], a[c]];
    const d = a[c][c];
    for (let j = 0; j < 2 * p; j++) a[c][j] /= d;
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const f = a[r][c];
      for (let j = 0; j < 2 * p; j++) a[r][j] -= f * a[c][j];
    }
  }
  return a.map((row) => row.slice(p));
}

export interface RegressionRow {
  readonly price: number;
  readonly sqrtK: number;
  readonly k: number;
  readonly seed: number;
  /** Quote volume per day. */
  readonly volume: number;
}

export interface VolumeRegression {
  readonly rows: RegressionRow[];
  /** volume = β0 + β1·price + β2·k */
  readonly linearK: OlsFit;
  /** volume = β0 + β1·price + β2·sqrtK */
  readonly linearSqrtK: OlsFit;
}

export interface VolumeRegressionOptions {
  readonly base: Scenario;
  readonly prices?: readonly number[];
  readonly depthMultipliers?: readonly number[];
  readonly seeds?: readonly number[];
  readonly horizonSec?: number;
}

export function volumeRegression(opts: VolumeRegressionOptions): VolumeRegression {
  const prices = opts.prices ?? [500, 1000, 2000, 4000];
  const depths = opts.depthMultipliers ?? [0.5, 0.75, 1, 1.5, 2];
  const seeds = opts.seeds ?? [11, 12];
  const horizonSec = opts.horizonSec ?? 86400;
  const base = opts.base;
  const rows: RegressionRow[] = [];
  for (const price of prices) {
    for (const dm of depths) {
      for (const seed of seeds) {
        const sqrtK = base.market.sqrtK * dm;
        const sc = parseScenario(
          {
            ...base,
            name: `regress-${price}-${Math.round(dm * 100)}`,
            horizonSec,
            oracle: { kind: "gbm", initialPrice: price, driftPerDay: 0, volPerSqrtDay: 0.03 },
            market: { ...base.market, sqrtK },
            // Demand is anchored at the base depth, so a deeper curve draws more volume.
            traders: { ...base.traders, sqrtKRef: base.market.sqrtK },
          },
          "regression grid",
        );
        const { metrics } = runEpisode(sc, holdPolicy, seed, { trace: false });
        rows.push({ price, sqrtK, k: sqrtK * sqrtK, seed, volume: (metrics.volume * 86400) / horizonSec });
      }
    }
  }
  const y = rows.map((r) => r.volume);
  return {
    rows,
    linearK: leastSquares(rows.map((r) => [1, r.price, r.k]), y),
    linearSqrtK: leastSquares(rows.map((r) => [1, r.price, r.sqrtK]), y),
  };
}
