/** Baseline "static" (DESIGN §9): never adjusts the curve. */
import { HOLD, type Decision, type MarketObservation, type Policy } from "../../core/policyTypes";

export class StaticPolicy implements Policy {
  readonly name = "static";
  decide(_obs?: MarketObservation): Decision {
    return { action: HOLD, actionIndex: 0, stateIndex: -1, qValues: [] };
  }
}
