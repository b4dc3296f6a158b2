/**
 * Trader population of DESIGN §7 as one Poisson event stream (Gillespie): arrivals at rate
 * `arrivalRate·(sqrtK/sqrtKRef)^rateElasticity`, each informed with probability λ_i (else
 * uninformed), plus closes of uninformed positions at rate uN/holdingMean (exponential holding
 * times). Informed: see FastMarket.informedArrival. Uninformed: side 50/50, lognormal notional
 * whose median grows as (sqrtK/sqrtKRef)^sizeElasticity, margin = notional/leverage.
 * Liquidators: FastMarket.liquidationScan. The loop allocates nothing.
 */
import { arrivalRateAt, medianNotionalAt } from "./demand";
import type { FastMarket } from "./fastMarket";
import type { SimRng } from "./rng";
import type { Scenario } from "./scenario";

export type TraderConfig = Scenario["traders"];

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
    m.informedCapital = this.iCapital;
    m.informedLeverage = this.iLeverage;
    m.informedEdgeBps = this.iEdgeBps;
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
        if (u[ui++] < pInf) m.informedArrival();
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
}
