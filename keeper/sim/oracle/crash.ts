/**
 * Crash oracle paths (issue 13): a fall of `drop` (e.g. 0.9 = −90 %, 0.98 = −98 %) within
 * `durationSec` (≤ 3 days for the crash family), starting at `startSec`, on top of GBM noise.
 * Three shapes, each drawn from the seed:
 * - `steps`: `steps` discrete jumps at random times inside the crash window, the log-drop split
 *   among them by random weights (flat segments between jumps, noise only);
 * - `slide`: a log-linear slide over the window with noise;
 * - `luna`: a LUNA-like profile (−98 % in ~63 h, May 2022) — a hand-made template of waypoints
 *   (a first leg, a dead-cat bounce, an accelerating collapse), NOT real data: each waypoint is
 *   jittered from the seed and the path between waypoints is log-linear plus noise. The template is
 *   rescaled so the total fall is exactly `drop` at the end of the window.
 * After the window the price keeps its noise around the crash bottom.
 */
import { SimRng } from "../rng";

export interface CrashPath {
  readonly kind: "crash";
  readonly initialPrice: number;
  readonly shape: "steps" | "slide" | "luna";
  /** Total fraction lost at the end of the window, 0 < drop < 1 (0.98 = −98 %). */
  readonly drop: number;
  readonly startSec: number;
  readonly durationSec: number;
  /** Number of jumps of the `steps` shape. */
  readonly steps: number;
  /** GBM noise over the whole path (per √day). */
  readonly volPerSqrtDay: number;
}

/** LUNA-like waypoints (hours into the window, fraction of the start price), end = (63 h, 0.02). */
export const LUNA_TEMPLATE: readonly (readonly [number, number])[] = [
  [0, 1],
  [6, 0.85],
  [12, 0.6],
  [16, 0.5],
  [20, 0.62],
  [26, 0.55],
  [32, 0.35],
  [40, 0.25],
  [44, 0.15],
  [48, 0.12],
  [52, 0.08],
  [56, 0.05],
  [60, 0.03],
  [63, 0.02],
];

/**
 * The crash's deterministic log-level at each grid point (0 before the window, log(1 − drop) after),
 * without the GBM noise. Exposed for tests: the noise-free path hits exactly 1 − drop at the end.
 */
export function crashLogProfile(spec: CrashPath, n: number, dtSec: number, rng: SimRng): Float64Array {
  const out = new Float64Array(n + 1);
  const total = Math.log(1 - spec.drop);
  const t0 = spec.startSec;
  const t1 = spec.startSec + spec.durationSec;
  if (spec.shape === "slide") {
    for (let i = 0; i <= n; i++) {
      const t = i * dtSec;
      out[i] = t <= t0 ? 0 : t >= t1 ? total : (total * (t - t0)) / spec.durationSec;
    }
    return out;
  }
  if (spec.shape === "steps") {
    const times: number[] = [];
    const weights: number[] = [];
    for (let j = 0; j < spec.steps; j++) {
      times.push(t0 + rng.next() * spec.durationSec);
      weights.push(0.5 + rng.next());
    }
    times.sort((a, b) => a - b);
    // The last jump lands at the end of the window so the fall completes inside it.
    times[times.length - 1] = t1;
    const wSum = weights.reduce((a, b) => a + b, 0);
    for (let i = 0; i <= n; i++) {
      const t = i * dtSec;
      let l = 0;
      for (let j = 0; j < times.length && times[j] <= t; j++) l += (total * weights[j]) / wSum;
      out[i] = l;
    }
    return out;
  }
  // luna: jitter the inner waypoints (±15 % in log level, ±1.5 h in time), keep the ends exact.
  const tpl = LUNA_TEMPLATE;
  const tplEnd = tpl[tpl.length - 1];
  const scaleT = spec.durationSec / (tplEnd[0] * 3600);
  const scaleL = total / Math.log(tplEnd[1]);
  const wt: number[] = [];
  const wl: number[] = [];
  for (let j = 0; j < tpl.length; j++) {
    const inner = j > 0 && j < tpl.length - 1;
    const dtJ = inner ? (rng.next() * 2 - 1) * 1.5 * 3600 : 0;
    const jl = inner ? 1 + (rng.next() * 2 - 1) * 0.15 : 1;
    wt.push(t0 + (tpl[j][0] * 3600 + dtJ) * scaleT);
    wl.push(Math.log(tpl[j][1]) * scaleL * jl);
  }
  for (let j = 1; j < wt.length; j++) if (wt[j] <= wt[j - 1]) wt[j] = wt[j - 1] + 1;
  wt[wt.length - 1] = t1;
  let seg = 0;
  for (let i = 0; i <= n; i++) {
    const t = i * dtSec;
    if (t <= t0) out[i] = 0;
    else if (t >= t1) out[i] = total;
    else {
      while (seg < wt.length - 2 && t > wt[seg + 1]) seg++;
      const a = (t - wt[seg]) / (wt[seg + 1] - wt[seg]);
      out[i] = wl[seg] + a * (wl[seg + 1] - wl[seg]);
    }
  }
  return out;
}

/** Crash profile × GBM noise (zero drift: the noise does not bias the fall). */
export function generateCrashPath(spec: CrashPath, n: number, dtSec: number, rng: SimRng): Float64Array {
  const profile = crashLogProfile(spec, n, dtSec, rng);
  const h = dtSec / 86400;
  const v = spec.volPerSqrtDay;
  const prices = new Float64Array(n + 1);
  let noise = 0;
  prices[0] = spec.initialPrice;
  for (let i = 1; i <= n; i++) {
    noise += -0.5 * v * v * h + v * Math.sqrt(h) * rng.normal();
    prices[i] = spec.initialPrice * Math.exp(profile[i] + noise);
  }
  return prices;
}
