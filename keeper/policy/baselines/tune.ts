/**
 * Grid search of the rules' options on the TRAIN split (`npm run tune:baselines`). Objective: the
 * highest mean protocol net revenue among the settings that track no worse than no keeper at all
 * (mean |mark − oracle| ≤ static's on the same scenarios and seeds). The test split is refused.
 */
import { evaluate } from "../eval/evaluate";
import { resolveScenarioSource } from "../eval/scenarioSource";
import type { Split } from "../../sim/scenarios/generatorConfig";
import type { RuleOptions } from "./ruleCatalog";

export type Grid = Readonly<Record<string, readonly number[]>>;

/** Modest grids (2-core machine): about 80 settings in all. */
export const GRIDS: Readonly<Record<string, { grid: Grid; derived?: (o: Record<string, number>) => Record<string, number> }>> = {
  threshold: {
    grid: { repegAboveBps: [10, 25, 50], fundingPremiumBps: [2, 5, 20], kUpStepBps: [25, 100] },
    derived: (o) => ({ ...o, kDownStepBps: Math.min(200, 2 * o.kUpStepBps) }),
  },
  drift: {
    grid: { repegMinGapBps: [5, 15, 40], repegBudgetShare: [0.25, 1], tightGapBps: [10, 30], intensity: [50, 100] },
  },
  "depth-seeking": {
    grid: { repegAboveBps: [15, 30, 60], kUpStepBps: [50, 100], maxStepCostShare: [0.003, 0.01, 0.03], maxExposure: [0.03, 0.1] },
  },
};

export function gridPoints(grid: Grid): Record<string, number>[] {
  let points: Record<string, number>[] = [{}];
  for (const [k, values] of Object.entries(grid)) points = points.flatMap((p) => values.map((v) => ({ ...p, [k]: v })));
  return points;
}

export const specOf = (rule: string, options: RuleOptions): string => `${rule}${JSON.stringify(options)}`;

export interface TunedSetting {
  readonly options: RuleOptions;
  readonly netRevenue: number;
  readonly meanGapBps: number;
  readonly feasible: boolean;
}

export interface TuneResult {
  readonly split: Split;
  readonly count: number;
  readonly objective: string;
  readonly reference: { readonly netRevenue: number; readonly meanGapBps: number };
  readonly rules: Record<string, RuleOptions>;
  readonly grids: Record<string, { grid: Grid; settings: TunedSetting[] }>;
}

export const OBJECTIVE = "max mean protocol net revenue s.t. mean |mark−oracle| ≤ static's (no keeper) on the same scenarios";

export async function tuneBaselines(o: { split: Split; count: number; threads: number; projectRoot: string; rules?: readonly string[]; onProgress?: (done: number, total: number) => void }): Promise<TuneResult> {
  if (o.split === "test") throw new Error("tune:baselines refuses the test split: tune on train (and check on validation); the test split is judged only by evaluate:release");
  const source = resolveScenarioSource(o.split, { count: o.count, seeds: 2, projectRoot: o.projectRoot });
  const rules = o.rules ?? Object.keys(GRIDS);
  const specs: { rule: string; options: RuleOptions; spec: string }[] = [];
  for (const rule of rules) {
    const g = GRIDS[rule];
    if (!g) throw new Error(`no tuning grid for rule "${rule}" (${Object.keys(GRIDS).join(", ")})`);
    for (const p of gridPoints(g.grid)) {
      const options = g.derived ? g.derived(p) : p;
      specs.push({ rule, options, spec: specOf(rule, options) });
    }
  }
  const policies = ["static", ...specs.map((s) => s.spec)];
  const out = await evaluate({ policies, source, seeds: 2, threads: o.threads, replay: false, onProgress: (d, t) => o.onProgress?.(d, t) });
  const metric = (key: string, policy: string) => out.report.metrics.find((m) => m.key === key)!.rows.find((r) => r.policy === policy)!.mean;
  const reference = { netRevenue: metric("netRevenue", "static"), meanGapBps: metric("meanGapBps", "static") };
  const grids: TuneResult["grids"] = {};
  const chosen: Record<string, RuleOptions> = {};
  for (const rule of rules) {
    const settings = specs
      .filter((s) => s.rule === rule)
      .map((s) => {
        const meanGapBps = metric("meanGapBps", s.spec);
        return { options: s.options, netRevenue: metric("netRevenue", s.spec), meanGapBps, feasible: meanGapBps <= reference.meanGapBps };
      });
    grids[rule] = { grid: GRIDS[rule].grid, settings };
    const feasible = settings.filter((s) => s.feasible);
    // With no setting as good as no keeper at tracking, take the best tracker.
    const best = feasible.length > 0 ? feasible.reduce((a, b) => (b.netRevenue > a.netRevenue ? b : a)) : settings.reduce((a, b) => (b.meanGapBps < a.meanGapBps ? b : a));
    chosen[rule] = best.options;
  }
  return { split: o.split, count: o.count, objective: OBJECTIVE, reference, rules: chosen, grids };
}
