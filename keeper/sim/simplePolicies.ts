/**
 * Two fixed policies the simulator's own tests, bench and regression use (the real baselines live
 * in keeper/policy/baselines): never adjust, and repeg fully toward the oracle at every decision.
 */
import { HOLD, type Action, type Decision, type MarketObservation, type Policy } from "../core/policyTypes";

const decision = (action: Action, actionIndex: number): Decision => ({ action, actionIndex, stateIndex: 0, qValues: [] });

export const holdPolicy: Policy = { name: "sim-hold", decide: () => decision(HOLD, 0) };

/** Repeg toward the oracle (fraction of the gap) whenever the gap exceeds minGapBps. */
export function repegPolicy(fraction = 1, minGapBps = 0): Policy {
  const repeg: Action = Object.freeze({ kind: "repeg", fraction });
  return {
    name: `sim-repeg-${fraction}`,
    decide: (o: MarketObservation) => (Math.abs(o.mark / o.oracle - 1) * 1e4 > minGapBps ? decision(repeg, 1) : decision(HOLD, 0)),
  };
}

/** Cycles through the given actions (tests of the env's action mapping). */
export function scriptedPolicy(actions: readonly Action[]): Policy {
  let i = 0;
  return { name: "sim-scripted", decide: () => decision(actions[i++ % actions.length], 0) };
}
