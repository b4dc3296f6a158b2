/**
 * Seed 002's demand regression on Drift's own history (DESIGN §7): between two consecutive curve
 * records of a market the curve's depth is fixed, so the fees taken in between, divided by the
 * taker fee, are the volume traded at that depth. Fits, with 95 % intervals:
 *  - per market: volume/day = β0 + β1·price + β2·sqrtK (the seed's form, sqrtK variant);
 *  - pooled, market fixed effects: log volume = α_market + b_p·log price + b_k·log sqrtK, whose b_k is
 *    the elasticity of volume to depth: in the simulator rateElasticity + sizeElasticity.
 * Every interval that is not used is listed with its reason.
 */
import { leastSquares, type OlsFit } from "../sim/regression";
import { tQuantile975 } from "../policy/eval/stats";
import { DRIFT_MARKETS, type CurveRecord, type RejectedLine } from "./driftCsv";

/** Drift v1's taker fee, 0.1 % of volume (seed 002 §2.2.2). */
export const DRIFT_V1_FEE = 0.001;
/** Shorter intervals hold a handful of trades: a rate over minutes is noise, not demand. */
export const MIN_INTERVAL_SEC = 3600;

export interface DemandInterval {
  readonly market: number;
  readonly fromLine: number;
  readonly toLine: number;
  readonly hours: number;
  /** Mean of the mark at the start (after the change) and the end (before the next change). */
  readonly price: number;
  readonly sqrtK: number;
  /** Quote volume per day. */
  readonly volumePerDay: number;
}

export interface RejectedInterval extends RejectedLine {
  readonly market: number;
}

export function demandIntervals(records: readonly CurveRecord[]): { used: DemandInterval[]; rejected: RejectedInterval[] } {
  const used: DemandInterval[] = [];
  const rejected: RejectedInterval[] = [];
  const markets = [...new Set(records.map((r) => r.market))].sort((a, b) => a - b);
  for (const m of markets) {
    const rs = records.filter((r) => r.market === m).sort((a, b) => a.time - b.time || a.recordId - b.recordId);
    rejected.push({ market: m, line: rs[0].line, reason: "first record of the market: no earlier fee total to difference" });
    for (let i = 1; i < rs.length; i++) {
      const a = rs[i - 1];
      const b = rs[i];
      const dt = b.time - a.time;
      const dFee = b.totalFee - a.totalFee;
      const reject = (reason: string) => rejected.push({ market: m, line: b.line, reason });
      if (dt < MIN_INTERVAL_SEC) reject(`interval of ${(dt / 60).toFixed(1)} min since line ${a.line} is shorter than ${MIN_INTERVAL_SEC / 3600} h`);
      else if (dFee < 0) reject(`total_fee fell by ${(-dFee).toFixed(2)} USDC since line ${a.line}`);
      else if (dFee === 0) reject(`no fee taken since line ${a.line} (zero volume: no log)`);
      else if (Math.abs(b.sqrtKBefore / a.sqrtKAfter - 1) > 1e-9) reject(`sqrt_k_before differs from line ${a.line}'s sqrt_k_after (a change not in the history)`);
      else
        used.push({
          market: m,
          fromLine: a.line,
          toLine: b.line,
          hours: dt / 3600,
          price: (a.markAfter + b.markBefore) / 2,
          sqrtK: a.sqrtKAfter,
          volumePerDay: dFee / DRIFT_V1_FEE / (dt / 86400),
        });
    }
  }
  return { used, rejected };
}

export interface Coefficient {
  readonly name: string;
  readonly estimate: number;
  readonly stdError: number;
  readonly lo: number;
  readonly hi: number;
}

export interface FitTable {
  readonly label: string;
  readonly n: number;
  readonly r2: number;
  readonly coefficients: Coefficient[];
  /** Why the fit was not made, when it was not. */
  readonly skipped?: string;
}

function table(label: string, names: readonly string[], fit: OlsFit, report: readonly number[] = names.map((_, i) => i)): FitTable {
  const t = tQuantile975(fit.n - fit.coefficients.length);
  return {
    label,
    n: fit.n,
    r2: fit.r2,
    coefficients: report.map((i) => ({
      name: names[i],
      estimate: fit.coefficients[i],
      stdError: fit.stdErrors[i],
      lo: fit.coefficients[i] - t * fit.stdErrors[i],
      hi: fit.coefficients[i] + t * fit.stdErrors[i],
    })),
  };
}

/** Fewest intervals for a per-market fit of 3 coefficients with a usable interval. */
export const MIN_ROWS_PER_MARKET = 6;

export function perMarketFits(used: readonly DemandInterval[]): FitTable[] {
  const markets = [...new Set(used.map((u) => u.market))].sort((a, b) => a - b);
  return markets.map((m) => {
    const rows = used.filter((u) => u.market === m);
    const label = `${DRIFT_MARKETS[m] ?? `market ${m}`}`;
    if (rows.length < MIN_ROWS_PER_MARKET) return { label, n: rows.length, r2: Number.NaN, coefficients: [], skipped: `only ${rows.length} intervals (< ${MIN_ROWS_PER_MARKET})` };
    try {
      return table(label, ["β0", "β1·price", "β2·sqrtK"], leastSquares(rows.map((r) => [1, r.price, r.sqrtK]), rows.map((r) => r.volumePerDay)));
    } catch (e) {
      return { label, n: rows.length, r2: Number.NaN, coefficients: [], skipped: (e as Error).message };
    }
  });
}

/** log volume = α_market + b_p·log price + b_k·log sqrtK over the markets with ≥ 3 intervals. */
export function pooledElasticityFit(used: readonly DemandInterval[]): FitTable {
  const counts = new Map<number, number>();
  for (const u of used) counts.set(u.market, (counts.get(u.market) ?? 0) + 1);
  const markets = [...counts.entries()].filter(([, n]) => n >= 3).map(([m]) => m).sort((a, b) => a - b);
  const rows = used.filter((u) => markets.includes(u.market));
  const X = rows.map((r) => [...markets.map((m) => (r.market === m ? 1 : 0)), Math.log(r.price), Math.log(r.sqrtK)]);
  const names = [...markets.map((m) => `α ${DRIFT_MARKETS[m] ?? m}`), "b_p (log price)", "b_k (log sqrtK)"];
  const fit = leastSquares(X, rows.map((r) => Math.log(r.volumePerDay)));
  return table(`pooled log-log, market fixed effects (${markets.map((m) => DRIFT_MARKETS[m] ?? m).join(", ")})`, names, fit, [names.length - 2, names.length - 1]);
}

export interface DepthElasticity {
  /** Fitted elasticity of volume to sqrtK and its 95 % interval. */
  readonly total: Coefficient;
  /** Simulator defaults: the fit split evenly between arrival rate and size. */
  readonly rateElasticity: number;
  readonly sizeElasticity: number;
  /** Range scenarios draw the total from: the 95 % interval clipped at 0 (demand never shrinks with depth). */
  readonly totalRange: readonly [number, number];
  readonly note: string;
}

export function depthElasticity(pooled: FitTable): DepthElasticity {
  const bk = pooled.coefficients.find((c) => c.name.startsWith("b_k"));
  if (!bk) throw new Error("pooled fit has no b_k coefficient");
  const total = Math.max(0, bk.estimate);
  return {
    total: bk,
    rateElasticity: total / 2,
    sizeElasticity: total / 2,
    totalRange: [Math.max(0, bk.lo), Math.max(0, bk.hi)],
    note:
      "The fee totals give volume, not trade counts or sizes, so only the sum rateElasticity + sizeElasticity is identified; " +
      "the split between them is not (defaults split it evenly; scenarios draw the split uniformly). Drift raised k when volume was high, " +
      "so b_k may carry reverse causation: read it as an upper-leaning estimate.",
  };
}
