/** Small inline scenarios for the simulator tests (fast: ≤ 2 simulated days). */
import { parseScenario, type Scenario, type ScenarioInput } from "../../../keeper/sim/scenario";

export function testScenario(over: Partial<ScenarioInput> = {}, traders: Partial<ScenarioInput["traders"]> = {}): Scenario {
  const base: ScenarioInput = {
    name: "test-scenario",
    split: "train",
    seed: 42,
    horizonSec: 86400,
    decisionIntervalSec: 3600,
    oracleDtSec: 60,
    oracle: { kind: "gbm", initialPrice: 2000, driftPerDay: 0, volPerSqrtDay: 0 },
    market: { sqrtK: 150_000, budget: 200_000, reservedShare: 50_000 },
    traders: {
      arrivalRatePerSec: 0.3,
      informedProb: 0.2,
      uninformed: { notionalMedian: 5000, notionalLogSd: 1, holdingMeanSec: 3600, leverage: 5 },
      informed: { capital: 100_000, leverage: 5, edgeBps: 2 },
      ...traders,
    },
  };
  return parseScenario({ ...base, ...over });
}
