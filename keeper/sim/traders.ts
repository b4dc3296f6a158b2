/**
 * Trader population of DESIGN §7 as one Poisson event stream (Gillespie): arrivals at rate
 * `arrivalRate·(sqrtK/sqrtKRef)^rateElasticity`, each informed with probability λ_i (else
 * uninformed), plus closes of uninformed positions at rate uN/holdingMean (exponential holding
 * times). Informed: `informedTargetMark` / `informedQuote` below (the one definition, also used by
 * the on-chain runner through keeper/chain/informedOrder.ts). Uninformed: side 50/50, lognormal
 * notional whose median grows as (sqrtK/sqrtKRef)^sizeElasticity, margin = notional/leverage
 * (demand.ts). Liquidators: liquidationScan.ts. The loop allocates nothing.
 */
import { arrivalRateAt, medianNotionalAt } from "./demand";
import type { FastMarket } from "./fastMarket";
import type { SimRng } from "./rng";
import type { Scenario } from "./scenario";

export type TraderConfig = Scenario["traders"];

/**
 * Share of the block's fluctuation band an informed order may use. 0.999: the band is an exact
 * check on-chain and float64 / WAD rounding moves the mark by < 1e-12 relative, so 0.1 % of the
 * band (0.2 bps of a 200 bps limit) is ample headroom; 0.95 left every band-capped arbitrage 10 bps short.
 */
export const INFORMED_BAND_SHARE = 0.999;

/**
 * The informed trader's decision (DESIGN §7), as the mark it trades the curve to: the oracle less
 * fee + edge (the marginal unit must still beat both), inside `INFORMED_BAND_SHARE` of the
 * fluctuation band around the block-start mark (a bigger order would revert). NaN when it stays
 * idle: the gap does not beat fee + edge, or the block's band has no room left that way. The side
 * is `target > mark` (long). Pure and allocation-free (the simulator's hot loop calls it).
 */
export function informedTargetMark(oracle: number, mark: number, blockStartMark: number, feeBps: number, edgeBps: number, fluctuationLimitBps: number): number {
  const gap = oracle - mark;
  const thr = (oracle * (feeBps + edgeBps)) / 1e4;
  if (gap <= thr && -gap <= thr) return Number.NaN;
  const isLong = gap > 0;
  const band = (blockStartMark * fluctuationLimitBps * INFORMED_BAND_SHARE) / 1e4;
  let target = isLong ? oracle - thr : oracle + thr;
  if (isLong && target > blockStartMark + band) target = blockStartMark + band;
  if (!isLong && target < blockStartMark - band) target = blockStartMark - band;
  return (isLong ? target <= mark : target >= mark) ? Number.NaN : target;
}

/**
 * Quote notional of the informed order toward `target` on the curve (k = sqrtK², peg, quote reserve
 * y): the quote that moves the mark to the target (`y₁ = √(k·target/P)`, `y₁·P/x₁ = target`,
 * `x₁·y₁ = k`), capped by the trader's capital × leverage.
 */
export function informedQuote(k: number, peg: number, y: number, target: number, capital: number, leverage: number): number {
  const y1 = Math.sqrt((k * target) / peg);
  const q = (y1 > y ? y1 - y : y - y1) * peg;
  const cap = capital * leverage;
  return q > cap ? cap : q;
}

/** Margin an informed trader posts with an order of `quote`. */
export function informedMargin(quote: number, leverage: number): number {
  return quote / leverage;
}

/**
 * An account-based informed holder (the on-chain runner) closes once the mark has reached (or
 * crossed) the oracle: its edge is gone. The simulator's pools stand for many such traders and are
 * reduced instead by the opposite informed flow (`FastMarket.reduceInformedPool`).
 */
export function informedShouldClose(size: number, mark: number, oracle: number): boolean {
  return size > 0 ? oracle <= mark : oracle >= mark;
}

export class TraderFlow {
  private arrRate = 0;
  private sizeMedian = 0;
  // Initialised numbers, not `undefined` (ES2022 class fields): keeps V8's Double field representation.
  private readonly muClose: number = 0;
  private readonly informedProb: number = 0;
  private readonly logSd: number = 0;
  private readonly uLeverage: number = 0;
  private readonly iCapital: number = 0;
  private readonly iLeverage: number = 0;
  private readonly iEdgeBps: number = 0;
  private readonly feeBps: number = 0;
  private readonly fluctuationLimitBps: number = 0;

  constructor(
    private readonly m: FastMarket,
    private readonly rng: SimRng,
    private readonly cfg: TraderConfig,
    private readonly sqrtKRef: number,
  ) {
    this.muClose = 1 / cfg.uninformed.holdingMeanSec;
    this.informedProb = cfg.informedProb;
    this.logSd = cfg.uninformed.notionalLogSd;
    this.uLeverage = cfg.uninformed.leverage;
    this.iCapital = cfg.informed.capital;
    this.iLeverage = cfg.informed.leverage;
    this.iEdgeBps = cfg.informed.edgeBps;
    this.feeBps = m.params.feeBps;
    this.fluctuationLimitBps = m.params.fluctuationLimitBps;
    this.refreshDepth();
  }

  /** Demand responds to depth: call after every k change. */
  refreshDepth(): void {
    this.arrRate = arrivalRateAt(this.cfg, this.m.sqrtK, this.sqrtKRef);
    this.sizeMedian = medianNotionalAt(this.cfg, this.m.sqrtK, this.sqrtKRef);
  }

  arrivalRate(): number {
    return this.arrRate;
  }

  medianNotional(): number {
    return this.sizeMedian;
  }

  /** Uniforms drawn in bulk (SimRng.fillUniform): the loop never boxes a double across a call. */
  private readonly u = new Float64Array(4096);
  private ui = 4096;
  private readonly tb = new Float64Array(1);
  private spare = 0;
  private hasSpare = false;

  /** Runs trader events in (t0, t1); the stream is memoryless, so restarting at t1 is exact. */
  run(t0: number, t1: number): void {
    const m = this.m;
    const c = m.c;
    const u = this.u;
    const arr = this.arrRate;
    const mu = this.muClose;
    const pInf = this.informedProb;
    const median = this.sizeMedian;
    const logSd = this.logSd;
    const uLev = this.uLeverage;
    let ui = this.ui;
    // The clock lives in a Float64Array slot: as a local, TurboFan kept its loop phi tagged and
    // boxed a new HeapNumber on every event (16 B/event in the sampling heap profile; now 0).
    const tb = this.tb;
    tb[0] = t0;
    for (;;) {
      // Each event needs at most 4 uniforms plus the normal's; refill with room to spare.
      if (ui > 4096 - 8) {
        this.rng.fillUniform(u);
        ui = 0;
      }
      const rate = arr + mu * m.uN;
      const t = tb[0] + -Math.log(1 - u[ui++]) / rate;
      tb[0] = t;
      if (t >= t1) break;
      c.events++;
      m.now = t;
      const pick = u[ui++] * rate;
      if (pick < arr) {
        if (u[ui++] < pInf) this.informedArrival();
        else {
          // Standard normal by the Marsaglia polar method (the spare is kept for the next call).
          let z: number;
          if (this.hasSpare) {
            z = this.spare;
            this.hasSpare = false;
          } else {
            let v1 = 0;
            let v2 = 0;
            let s = 0;
            do {
              if (ui > 4096 - 2) {
                this.rng.fillUniform(u);
                ui = 0;
              }
              v1 = u[ui++] * 2 - 1;
              v2 = u[ui++] * 2 - 1;
              s = v1 * v1 + v2 * v2;
            } while (s >= 1 || s === 0);
            const f = Math.sqrt((-2 * Math.log(s)) / s);
            z = v1 * f;
            this.spare = v2 * f;
            this.hasSpare = true;
          }
          if (ui > 4096 - 1) {
            this.rng.fillUniform(u);
            ui = 0;
          }
          const q = median * Math.exp(logSd * z);
          m.argQ = q;
          m.argMargin = q / uLev;
          m.openUninformed(u[ui++] < 0.5);
        }
      } else {
        let i = ((pick - arr) / mu) | 0;
        if (i >= m.uN) i = m.uN - 1;
        m.closeUninformed(i);
      }
    }
    this.ui = ui;
  }

  /**
   * An informed arrival: the strategy above decides the target and size; with the opposite informed
   * pool open it reduces that pool by the order instead (its gap is gone, it has reversed).
   */
  private informedArrival(): void {
    const m = this.m;
    const mark = m.mark();
    const target = informedTargetMark(m.oracle, mark, m.blockStartMarkNow(), this.feeBps, this.iEdgeBps, this.fluctuationLimitBps);
    if (target !== target) {
      m.c.informedIdle++;
      return;
    }
    const isLong = target > mark;
    const q = informedQuote(m.k, m.peg, m.y, target, this.iCapital, this.iLeverage);
    m.argQ = q;
    if (isLong ? m.iShortSize > 0 : m.iLongSize > 0) {
      m.reduceInformedPool(!isLong);
      return;
    }
    m.argMargin = informedMargin(q, this.iLeverage);
    m.openInformed(isLong);
  }
}
