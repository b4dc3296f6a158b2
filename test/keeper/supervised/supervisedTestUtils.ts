/** Shared set-up for the supervised tests: one quiet TF.js init, temp dirs and tiny datasets. */
import { initTf, type TfRuntime } from "../../../keeper/supervised/tfBackend";
import { createRng } from "../../../keeper/supervised/seededRng";
import type { MarketObservation } from "../../../keeper/core/policyTypes";
import { tempDir } from "../../helpers/tempDir";

const quiet = { info: () => undefined, warn: (m: string) => console.warn(m) };

export function initTfQuietly(): Promise<TfRuntime> {
  return initTf(quiet);
}

export function makeTempDir(prefix: string): string {
  return tempDir(`damm-${prefix}-`);
}

/**
 * A square curve (x = y = sqrtK = 1000, peg 100) marking 1 % under its oracle with net long OI 20;
 * each test sets the time, budget and history fields it depends on.
 */
export function curveObservation(
  fields: Pick<MarketObservation, "time" | "budget" | "reservedShare" | "volatility" | "sinceLastUpdate"> & Partial<MarketObservation>,
): MarketObservation {
  const { time, ...rest } = fields;
  return {
    time, // first, as a hand-written observation lists it
    baseReserve: 1000,
    quoteReserve: 1000,
    peg: 100,
    sqrtK: 1000,
    mark: 100,
    oracle: 101,
    markTwap: 100,
    oracleTwap: 101,
    longOI: 30,
    shortOI: 10,
    ...rest,
  };
}

/** Gaussian points labelled by the side of a hyperplane w·x = 0, pushed 1.5 away from it (separable). */
export function separableProblem(n: number, d: number, seed: number): { x: number[][]; y: number[] } {
  const rng = createRng(seed);
  const w = Array.from({ length: d }, (_, j) => (j % 2 === 0 ? 1 : -0.5));
  const norm2 = w.reduce((a, v) => a + v * v, 0);
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = Array.from({ length: d }, () => rng.normal());
    const side = row.reduce((a, v, j) => a + v * w[j], 0) >= 0 ? 1 : -1;
    x.push(row.map((v, j) => v + (side * 1.5 * w[j]) / norm2));
    y.push(side > 0 ? 1 : 0);
  }
  return { x, y };
}
