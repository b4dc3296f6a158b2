/**
 * Baseline "formulaic" (DESIGN §9, Drift's formulaic repeg): repeg to the oracle whenever the
 * budget allows; when the full move is too dear, go as far as the budget pays for.
 */
import { HOLD, type Decision, type MarketObservation, type Policy } from "../../core/policyTypes";
import { gapBps } from "../../core/math/float/gap";
import { affordableFraction } from "./curveMath";

export interface FormulaicOptions {
  /** Gaps smaller than this are left alone (nothing to gain but gas). */
  readonly minGapBps: number;
}

export class FormulaicPolicy implements Policy {
  readonly name = "formulaic";
  constructor(private readonly opts: FormulaicOptions = { minGapBps: 0.5 }) {}

  decide(obs: MarketObservation): Decision {
    if (Math.abs(gapBps(obs.mark, obs.oracle)) < this.opts.minGapBps) return { action: HOLD, actionIndex: 0, stateIndex: -1, qValues: [] };
    const fraction = affordableFraction(obs);
    if (fraction <= 0) return { action: HOLD, actionIndex: 0, stateIndex: -1, qValues: [] };
    return { action: { kind: "repeg", fraction }, actionIndex: 1, stateIndex: -1, qValues: [] };
  }
}
