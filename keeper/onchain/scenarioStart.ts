import { generateOraclePath } from "../sim/oracle/paths";
import type { Scenario } from "../sim/scenario";

/**
 * The oracle price a scenario starts at (its path at t = 0; the same for every seed): where
 * `npm run deploy -- --scenario` puts the peg and the oracle, and what `npm run traders` checks.
 */
export function scenarioStartPrice(sc: Scenario): number {
  return generateOraclePath(sc.oracle, sc.oracleDtSec, sc.oracleDtSec, sc.seed + 1).prices[0];
}
