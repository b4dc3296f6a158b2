/**
 * A small stand-in model of adjustments, used until keeper/sim can supply real simulated runs
 * (see the `--sim-records` hook of the eval CLI). Costs follow the sign logic of DESIGN §4 (a repeg
 * pays the net position when it moves in its favour; raising k with a net position costs, lowering
 * it earns) and fees grow with open interest, volatility, depth and a closed gap, so whether an
 * adjustment pays for itself depends on the features in a learnable but noisy way.
 */
import { createRng } from "./seededRng";
import type { AdjustmentRecord } from "./adjustmentRecord";

export interface SyntheticOptions {
  readonly count: number;
  readonly seed: number;
  /** Share of adjustments that are repegs. */
  readonly repegShare: number;
  readonly feeRate: number;
}

export const DEFAULT_SYNTHETIC_OPTIONS: SyntheticOptions = {
  count: 800,
  seed: 7,
  repegShare: 0.35,
  feeRate: 0.001,
};

export function syntheticAdjustmentRecords(options: Partial<SyntheticOptions> = {}): AdjustmentRecord[] {
  const o = { ...DEFAULT_SYNTHETIC_OPTIONS, ...options };
  if (!(Number.isInteger(o.count) && o.count > 0)) throw new Error(`synthetic count must be a positive integer, got ${o.count}`);
  const rng = createRng(o.seed);
  const out: AdjustmentRecord[] = [];
  let time = 1_700_000_000;
  let lastChange = -Infinity;
  for (let i = 0; i < o.count; i++) {
    time += Math.ceil(-Math.log(1 - rng.next()) * 4 * 3600); // ~ one change every 4 h
    const kind = rng.next() < o.repegShare ? "repeg" : "k";
    const imbalance = Math.tanh(0.6 * rng.normal());
    const oi = 0.05 * Math.exp(0.8 * rng.normal());
    const gap = 0.01 * rng.normal();
    const budget = 5_000 * Math.exp(0.7 * rng.normal());
    const vol = 0.04 * Math.exp(0.5 * rng.normal());
    const depthNotional = 2_000_000; // quote value of one unit of oi
    const notional = oi * depthNotional;
    const net = imbalance * notional;

    let size: number;
    let cost: number;
    if (kind === "repeg") {
      // Toward the oracle: peg moves against the gap by a random fraction of it.
      size = -gap * (0.3 + 0.7 * rng.next()) + 0.001 * rng.normal();
      cost = net * size;
    } else {
      // Raise k mostly when balanced (cheap), lower it when imbalanced (earns).
      const up = rng.next() < 1 - 0.6 * Math.abs(imbalance);
      size = (up ? 1 : -1) * (0.002 + 0.018 * rng.next());
      cost = Math.abs(net) * size * 0.5;
    }
    const depthBoost = kind === "k" ? 1 + 8 * size : 1;
    const gapBoost = kind === "repeg" ? 1 + 40 * Math.min(Math.abs(gap), 0.05) : 1;
    const volume = notional * 2 * (1 + 10 * vol) * depthBoost * gapBoost * Math.exp(0.5 * rng.normal());
    const feesAfterWindow = Math.max(0, volume * o.feeRate * 0.5);

    out.push({
      time,
      kind,
      size,
      imbalance,
      oi,
      gap,
      budget,
      cost,
      vol,
      sinceLast: time - lastChange,
      feesAfterWindow,
    });
    lastChange = time;
  }
  return out;
}
