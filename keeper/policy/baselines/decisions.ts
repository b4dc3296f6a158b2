/** Decision records of the rule-based policies (no Q-values, no state index). */
import { HOLD, type Decision } from "../../core/policyTypes";

export const hold = (): Decision => ({ action: HOLD, actionIndex: 0, stateIndex: -1, qValues: [] });
export const repeg = (fraction: number): Decision => ({ action: { kind: "repeg", fraction }, actionIndex: 1, stateIndex: -1, qValues: [] });
export const kUp = (stepBps: number): Decision => ({ action: { kind: "kUp", stepBps }, actionIndex: 2, stateIndex: -1, qValues: [] });
export const kDown = (stepBps: number): Decision => ({ action: { kind: "kDown", stepBps }, actionIndex: 3, stateIndex: -1, qValues: [] });
