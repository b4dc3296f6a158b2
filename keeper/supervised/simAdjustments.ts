/**
 * Adjustment records from simulator runs: policies act in MarketEnv (with ε-exploration so poor
 * adjustments appear next to good ones), and every applied repeg / k change becomes an
 * AdjustmentRecord. Features are read from the observation the action was chosen on, through the
 * same `marketFeatures` the ensemble uses at decision time, so training and serving see one
 * feature map; size and cost are what the simulator actually applied and charged. The label input,
 * `feesAfterWindow`, is the budget's fee inflow over the following window (the budget pays the
 * cost, so both sides are in the same account); null when the episode ends inside the window.
 */
import type { Action, MarketObservation, Policy } from "../core/policyTypes";
import { MarketEnv } from "../sim/env";
import type { Scenario } from "../sim/scenario";
import type { AdjustmentRecord } from "./adjustmentRecord";
import { marketFeatures } from "./observationFeatures";
import { createRng, type Rng } from "./seededRng";

export interface SimPolicy {
  readonly name: string;
  readonly policy: Policy;
}

export interface SimDatasetOptions {
  /** Probability of replacing the policy's action by a random non-hold action. */
  readonly epsilon: number;
  /** Fees are summed over this many hours after the change (the change's own step included). */
  readonly windowHours: number;
  /** Seeds per scenario (each policy runs on every seed). */
  readonly seeds: readonly number[];
  /** Seeds the exploration RNG (the simulator's own streams come from the scenario seed). */
  readonly explorationSeed: number;
  /** Where replay price files resolve. */
  readonly projectRoot?: string;
}

export const DEFAULT_SIM_DATASET_OPTIONS: Omit<SimDatasetOptions, "seeds"> = {
  epsilon: 0.3,
  windowHours: 1,
  explorationSeed: 11,
};

/** A record plus where it came from (kept out of the record itself, which is the shared schema). */
export interface SimAdjustmentRecord extends AdjustmentRecord {
  readonly scenario: string;
  readonly seed: number;
  readonly policy: string;
  readonly explored: boolean;
}

export interface SimDatasetResult {
  readonly records: SimAdjustmentRecord[];
  readonly episodes: number;
  /** Non-hold actions the market refused (guard rails), by Solidity error name. */
  readonly refused: Record<string, number>;
}

/** Runs every policy × scenario × seed; records are in episode order (callers sort by time). */
export function simAdjustmentRecords(
  scenarios: readonly Scenario[],
  policies: readonly SimPolicy[],
  options: Partial<SimDatasetOptions> & Pick<SimDatasetOptions, "seeds">,
): SimDatasetResult {
  const o = { ...DEFAULT_SIM_DATASET_OPTIONS, ...options };
  if (!(o.epsilon >= 0 && o.epsilon <= 1)) throw new Error(`sim dataset: epsilon must be in [0, 1], got ${o.epsilon}`);
  if (!(o.windowHours > 0 && Number.isFinite(o.windowHours))) throw new Error(`sim dataset: windowHours must be > 0, got ${o.windowHours}`);
  if (o.seeds.length === 0 || o.seeds.some((s) => !Number.isInteger(s))) throw new Error("sim dataset: seeds must be a non-empty list of integers");
  if (scenarios.length === 0 || policies.length === 0) throw new Error("sim dataset: need at least one scenario and one policy");
  const rng = createRng(o.explorationSeed);
  const env = new MarketEnv({ projectRoot: o.projectRoot });
  const records: SimAdjustmentRecord[] = [];
  const refused: Record<string, number> = {};
  let episodes = 0;
  for (const sc of scenarios) {
    for (const seed of o.seeds) {
      for (const p of policies) {
        records.push(...runOne(env, sc, seed, p, o, rng, refused));
        episodes++;
      }
    }
  }
  return { records, episodes, refused };
}

interface Pending {
  readonly step: number;
  readonly obs: MarketObservation;
  readonly kind: "repeg" | "k";
  readonly size: number;
  readonly cost: number;
  readonly explored: boolean;
}

function runOne(env: MarketEnv, sc: Scenario, seed: number, p: SimPolicy, o: SimDatasetOptions, rng: Rng, refused: Record<string, number>): SimAdjustmentRecord[] {
  const windowSteps = Math.max(1, Math.round((o.windowHours * 3600) / sc.decisionIntervalSec));
  let obs = env.reset(sc, seed);
  const fees: number[] = [];
  const pending: Pending[] = [];
  for (let step = 0; ; step++) {
    const explored = rng.next() < o.epsilon;
    const action = explored ? randomAction(rng) : p.policy.decide(obs).action;
    const r = env.step(action);
    fees.push(r.rewardParts.feeInflow);
    if (r.applied && action.kind !== "hold") {
      const kind = action.kind === "repeg" ? "repeg" : "k";
      // Traders never move the peg or sqrtK, so the next observation shows exactly what was applied.
      const size = kind === "repeg" ? r.obs.peg / obs.peg - 1 : r.obs.sqrtK / obs.sqrtK - 1;
      pending.push({ step, obs, kind, size, cost: r.rewardParts.adjustmentCost, explored });
    } else if (r.refusedReason) refused[r.refusedReason] = (refused[r.refusedReason] ?? 0) + 1;
    obs = r.obs;
    if (r.done) break;
  }
  return pending.map((q) => {
    const end = q.step + windowSteps;
    const feesAfterWindow = end <= fees.length ? fees.slice(q.step, end).reduce((s, v) => s + v, 0) : null;
    return {
      time: q.obs.time,
      kind: q.kind,
      size: q.size,
      ...marketFeatures(q.obs),
      cost: q.cost,
      feesAfterWindow,
      scenario: sc.name,
      seed,
      policy: p.name,
      explored: q.explored,
    };
  });
}

/** Exploration: a repeg of a random fraction or a k step of random size and direction. */
export function randomAction(rng: Rng): Action {
  const u = rng.next();
  if (u < 1 / 3) return { kind: "repeg", fraction: 0.1 + 0.9 * rng.next() };
  const stepBps = Math.round(10 + 190 * rng.next());
  return { kind: u < 2 / 3 ? "kUp" : "kDown", stepBps };
}

/** The shared-schema part of a record (what parseAdjustmentRecords accepts); Infinity → null for JSON. */
export function toRecordJson(r: SimAdjustmentRecord): Record<string, unknown> {
  const { scenario: _s, seed: _seed, policy: _p, explored: _e, ...rec } = r;
  return { ...rec, sinceLast: Number.isFinite(rec.sinceLast) ? rec.sinceLast : null };
}
