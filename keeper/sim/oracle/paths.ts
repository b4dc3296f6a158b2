/**
 * Oracle price paths sampled on a fixed grid (t = i·dtSec, i = 0..n): GBM, jumps/crashes,
 * regime-switching volatility, mean reversion (OU on log price) and replay of a real CSV.
 * Volatilities are per √day and drifts per day, the units of MarketObservation.volatility.
 */
import path from "node:path";
import { SimRng } from "../rng";
import { loadPriceCsv, priceAt, parseTimestamp } from "./priceCsv";
import { type CrashPath, generateCrashPath } from "./crash";

export type { CrashPath } from "./crash";

export interface GbmPath {
  readonly kind: "gbm";
  readonly initialPrice: number;
  readonly driftPerDay: number;
  readonly volPerSqrtDay: number;
}
export interface JumpPath {
  readonly kind: "jump";
  readonly initialPrice: number;
  readonly driftPerDay: number;
  readonly volPerSqrtDay: number;
  /** Scheduled jumps: at `atSec` the price is multiplied by (1 + size), e.g. size −0.3. */
  readonly jumps: readonly { readonly atSec: number; readonly size: number }[];
  /** Optional random jumps: Poisson rate per day, log-size normal(mean, sd). */
  readonly randomJumpsPerDay: number;
  readonly randomJumpLogMean: number;
  readonly randomJumpLogSd: number;
}
export interface RegimePath {
  readonly kind: "regime";
  readonly initialPrice: number;
  readonly driftPerDay: number;
  /** Volatility of each regime; the path starts in regime 0. */
  readonly volsPerSqrtDay: readonly number[];
  /** Rate (per day) of leaving the current regime; the next one is uniform among the others. */
  readonly switchRatePerDay: number;
}
export interface OuPath {
  readonly kind: "ou";
  readonly initialPrice: number;
  readonly meanPrice: number;
  readonly reversionPerDay: number;
  readonly volPerSqrtDay: number;
}
export interface ReplayPath {
  readonly kind: "replay";
  /** CSV path relative to the project root (e.g. data/prices/SOLUSDT_5m.csv). */
  readonly file: string;
  /** Episode start in the data: ISO date-time or Unix seconds. */
  readonly start: string | number;
  /** Data seconds per simulated second (1 = real time). */
  readonly timeScale: number;
  /** Multiply all prices so the first one equals this (keeps market scale across files). */
  readonly rescaleTo?: number;
  readonly priceColumn?: string;
  readonly timeColumn?: string;
  readonly badRows?: "skip" | "reject";
}
export type OraclePathSpec = GbmPath | JumpPath | RegimePath | OuPath | ReplayPath | CrashPath;

export interface OraclePath {
  readonly dtSec: number;
  readonly prices: Float64Array;
  /** Regime index per point (regime paths), else all 0. */
  readonly regime: Uint8Array;
}

const DAY = 86400;

export function generateOraclePath(spec: OraclePathSpec, horizonSec: number, dtSec: number, seed: number, projectRoot = process.cwd()): OraclePath {
  const n = Math.ceil(horizonSec / dtSec);
  const prices = new Float64Array(n + 1);
  const regime = new Uint8Array(n + 1);
  const rng = new SimRng(seed);
  const h = dtSec / DAY;
  const sq = Math.sqrt(h);
  switch (spec.kind) {
    case "gbm": {
      let l = Math.log(spec.initialPrice);
      const mu = (spec.driftPerDay - 0.5 * spec.volPerSqrtDay * spec.volPerSqrtDay) * h;
      prices[0] = spec.initialPrice;
      for (let i = 1; i <= n; i++) {
        l += mu + spec.volPerSqrtDay * sq * rng.normal();
        prices[i] = Math.exp(l);
      }
      break;
    }
    case "jump": {
      let l = Math.log(spec.initialPrice);
      const mu = (spec.driftPerDay - 0.5 * spec.volPerSqrtDay * spec.volPerSqrtDay) * h;
      const jumpProb = spec.randomJumpsPerDay * h;
      const scheduled = [...spec.jumps].sort((a, b) => a.atSec - b.atSec);
      let next = 0;
      prices[0] = spec.initialPrice;
      for (let i = 1; i <= n; i++) {
        l += mu + spec.volPerSqrtDay * sq * rng.normal();
        if (jumpProb > 0 && rng.next() < jumpProb) l += spec.randomJumpLogMean + spec.randomJumpLogSd * rng.normal();
        while (next < scheduled.length && scheduled[next].atSec <= i * dtSec) {
          l += Math.log(1 + scheduled[next].size);
          next++;
        }
        prices[i] = Math.exp(l);
      }
      break;
    }
    case "regime": {
      let l = Math.log(spec.initialPrice);
      let r = 0;
      const m = spec.volsPerSqrtDay.length;
      const pSwitch = 1 - Math.exp(-spec.switchRatePerDay * h);
      prices[0] = spec.initialPrice;
      for (let i = 1; i <= n; i++) {
        if (m > 1 && rng.next() < pSwitch) r = (r + 1 + rng.int(m - 1)) % m;
        const v = spec.volsPerSqrtDay[r];
        l += (spec.driftPerDay - 0.5 * v * v) * h + v * sq * rng.normal();
        prices[i] = Math.exp(l);
        regime[i] = r;
      }
      break;
    }
    case "ou": {
      // Exact discretisation of dl = θ(m − l)dt + σ dW on l = log price.
      let l = Math.log(spec.initialPrice);
      const m = Math.log(spec.meanPrice);
      const th = spec.reversionPerDay;
      const a = Math.exp(-th * h);
      const sd = th > 0 ? spec.volPerSqrtDay * Math.sqrt((1 - a * a) / (2 * th)) : spec.volPerSqrtDay * sq;
      prices[0] = spec.initialPrice;
      for (let i = 1; i <= n; i++) {
        l = m + (l - m) * a + sd * rng.normal();
        prices[i] = Math.exp(l);
      }
      break;
    }
    case "crash": {
      prices.set(generateCrashPath(spec, n, dtSec, rng));
      break;
    }
    case "replay": {
      const series = loadPriceCsv(path.resolve(projectRoot, spec.file), { priceColumn: spec.priceColumn, timeColumn: spec.timeColumn, strict: spec.badRows === "reject" });
      const t0 = typeof spec.start === "number" ? spec.start : parseTimestamp(spec.start);
      if (!Number.isFinite(t0)) throw new Error(`replay: unreadable start ${String(spec.start)}`);
      const first = series.times[0];
      const last = series.times[series.times.length - 1];
      const tEnd = t0 + horizonSec * spec.timeScale;
      if (t0 < first || tEnd > last) {
        throw new Error(`replay: ${spec.file} covers ${new Date(first * 1000).toISOString()} – ${new Date(last * 1000).toISOString()}, the scenario needs ${new Date(t0 * 1000).toISOString()} – ${new Date(tEnd * 1000).toISOString()}`);
      }
      let hint = 0;
      for (let i = 0; i <= n; i++) {
        const r = priceAt(series, t0 + i * dtSec * spec.timeScale, hint);
        hint = r.index;
        prices[i] = r.price;
      }
      if (spec.rescaleTo !== undefined) {
        const s = spec.rescaleTo / prices[0];
        for (let i = 0; i <= n; i++) prices[i] *= s;
      }
      break;
    }
  }
  return { dtSec, prices, regime };
}
