/**
 * The one realised-volatility estimator (issue 14), used by the simulator's observation
 * (sim/env.ts, every oracle tick) and the keeper's (service/marketJob.ts, every snapshot), so a
 * policy sees the same number for the same oracle samples. Definition (docs/DESIGN.md, "Volatility"):
 * an exponentially weighted mean of the variance rate r²/Δt (r = log return between samples),
 * each sample weighted by the time it covers with a half-life in seconds (default one day):
 *   v ← w·v + (1 − w)·r²/Δt,  w = 0.5^(Δt / halfLife),  volatility = √(v · 86400)  (per √day).
 * It starts at v = 0 (an estimate that grows in as history accrues) and ignores a sample whose
 * time does not advance or whose price is not positive.
 */
export const DEFAULT_VOLATILITY_HALF_LIFE_SEC = 86_400;

export class VolatilityEstimator {
  private lastTime = Number.NaN;
  private lastPrice = Number.NaN;
  private varPerSecond = 0;

  constructor(private readonly halfLifeSec: number = DEFAULT_VOLATILITY_HALF_LIFE_SEC) {
    if (!(halfLifeSec > 0 && Number.isFinite(halfLifeSec))) throw new Error(`VolatilityEstimator: halfLifeSec must be a finite number > 0, got ${halfLifeSec}`);
  }

  /** Folds the oracle sample (time in s, price > 0) in and returns the estimate per √day. */
  update(timestamp: number, price: number): number {
    if (!(price > 0)) return this.value;
    if (this.lastPrice > 0 && timestamp > this.lastTime) {
      const dt = timestamp - this.lastTime;
      const r = Math.log(price / this.lastPrice);
      const w = Math.pow(0.5, dt / this.halfLifeSec);
      this.varPerSecond = w * this.varPerSecond + ((1 - w) * r * r) / dt;
    }
    if (!(timestamp <= this.lastTime)) {
      this.lastTime = timestamp;
      this.lastPrice = price;
    }
    return this.value;
  }

  /** Realised volatility per √day; 0 until two samples a positive time apart. */
  get value(): number {
    return Math.sqrt(this.varPerSecond * 86_400);
  }
}
