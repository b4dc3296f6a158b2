/**
 * Grid search of the rules' options on the TRAIN split (`npm run tune:baselines`). Objective: the
 * highest mean protocol net revenue among the settings that track no worse than no keeper at all.
 * "No worse" is, by default, a mean |mark − oracle| ≤ static's on the same scenarios and seeds
 * ("mean", which the crash scenarios' 600+ bps gaps dominate), or with `tracking: "typical"` a
 * geometric mean over scenarios of the gap ÷ static's ≤ 1 (every scenario weighs alike, so one
 * market's blow-up barely counts: BENCHMARKS "Tuning the rules three ways" shows the pick it let
 * through). The test split is refused.
 */
import * as fs from "node:fs";
import { evaluate } from "../eval/evaluate";
import { resolveScenarioSource } from "../eval/scenarioSource";
import type { Split } from "../../sim/scenarios/generatorConfig";
import { validateTuned, type RuleOptions } from "./ruleCatalog";
import { NO_SEPARATE_EARNING_TRIGGER_BPS } from "./depthSeekingPolicy";
import type { EpisodeResult } from "../eval/aggregate";

export type Grid = Readonly<Record<string, readonly number[]>>;

/**
 * Modest grids (2-core machine): about 110 settings in all. Every rule's repeg threshold starts at
 * 10 bps (depth-seeking's grid began at 15 until a validation check found it earned more at 10).
 */
export interface GridSpec {
  readonly grid: Grid;
  /** Options the rule takes beyond the grid's, derived from a point. */
  readonly derived?: (o: Record<string, number>) => Record<string, number>;
  /** Drops points that behave like another point of the grid (saves their episodes). */
  readonly keep?: (o: Record<string, number>) => boolean;
}

export const GRIDS: Readonly<Record<string, GridSpec>> = {
  threshold: {
    grid: { repegAboveBps: [10, 25, 50], fundingPremiumBps: [2, 5, 20], kUpStepBps: [25, 100] },
    derived: (o) => ({ ...o, kDownStepBps: Math.min(200, 2 * o.kUpStepBps) }),
  },
  drift: {
    grid: { repegMinGapBps: [5, 15, 40], repegBudgetShare: [0.25, 1], tightGapBps: [10, 30], intensity: [50, 100] },
  },
  "depth-seeking": {
    grid: { repegAboveBps: [10, 15, 30, 60], earningRepegAboveBps: [10, NO_SEPARATE_EARNING_TRIGGER_BPS], kUpStepBps: [50, 100], maxStepCostShare: [0.003, 0.01, 0.03], maxExposure: [0.03, 0.1] },
    // An earning trigger no narrower than the repeg trigger is the same rule as none.
    keep: (o) => o.earningRepegAboveBps === NO_SEPARATE_EARNING_TRIGGER_BPS || o.earningRepegAboveBps < o.repegAboveBps,
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
  /** Geometric mean over scenarios of the mean gap ÷ no keeper's (static's) on the same scenario. */
  readonly gapRatioToStatic: number;
  readonly feasible: boolean;
}

export interface TuneResult {
  readonly split: Split;
  /** Scenarios each setting ran on. */
  readonly count: number;
  /** Set when the scenarios were the first `perFamily` of each family (the weighting the judges use). */
  readonly perFamily?: number;
  readonly objective: string;
  readonly reference: { readonly netRevenue: number; readonly meanGapBps: number };
  readonly rules: Record<string, RuleOptions>;
  readonly grids: Record<string, { grid: Grid; settings: TunedSetting[] }>;
}

export type TrackingConstraint = "mean" | "typical";

export const OBJECTIVES: Readonly<Record<TrackingConstraint, string>> = {
  mean: "max mean protocol net revenue s.t. mean |mark−oracle| ≤ static's (no keeper) on the same scenarios",
  typical: "max mean protocol net revenue s.t. the geometric mean over scenarios of mean |mark−oracle| ÷ static's (no keeper) on the same scenario ≤ 1",
};

/** A gap floor (bps) for the ratio: a scenario both track perfectly counts as a tie, not 0/0. */
const GAP_FLOOR_BPS = 0.01;

/** Geometric mean over the paired (scenario, seed) units of `policy`'s mean gap ÷ `reference`'s. */
export function gapRatioGeometricMean(episodes: readonly EpisodeResult[], policy: string, reference: string): number {
  const key = (e: EpisodeResult) => `${e.scenario}#${e.seed}`;
  const ref = new Map(episodes.filter((e) => e.policy === reference).map((e) => [key(e), e.metrics.meanGapBps]));
  let sumLog = 0;
  let n = 0;
  for (const e of episodes) {
    if (e.policy !== policy) continue;
    const r = ref.get(key(e));
    if (r === undefined) throw new Error(`gap ratio: no ${reference} episode for ${e.scenario} seed ${e.seed}`);
    sumLog += Math.log(Math.max(e.metrics.meanGapBps, GAP_FLOOR_BPS) / Math.max(r, GAP_FLOOR_BPS));
    n++;
  }
  if (n === 0) throw new Error(`gap ratio: no episodes of ${policy}`);
  return Math.exp(sumLog / n);
}

/**
 * The highest net revenue among the feasible settings (ties: the earlier); with none feasible, the
 * best tracker by the constraint's own measure.
 */
export function pickSetting(settings: readonly TunedSetting[], tracking: TrackingConstraint): TunedSetting {
  if (settings.length === 0) throw new Error("tune: no settings to pick from");
  const feasible = settings.filter((s) => s.feasible);
  if (feasible.length > 0) return feasible.reduce((a, b) => (b.netRevenue > a.netRevenue ? b : a));
  const trackingOf = (t: TunedSetting) => (tracking === "typical" ? t.gapRatioToStatic : t.meanGapBps);
  return settings.reduce((a, b) => (trackingOf(b) < trackingOf(a) ? b : a));
}

export async function tuneBaselines(o: { split: Split; count: number; perFamily?: number; tracking?: TrackingConstraint; threads: number; projectRoot: string; rules?: readonly string[]; onProgress?: (done: number, total: number) => void }): Promise<TuneResult> {
  if (o.split === "test") throw new Error("tune:baselines refuses the test split: tune on train (and check on validation); the test split is judged only by evaluate:release");
  const tracking = o.tracking ?? "mean";
  // Stratified by family when asked: evaluate, select:default and the release judge weigh every
  // family alike, while the split's first `count` scenarios follow the generator's family weights.
  const source = resolveScenarioSource(o.split, { count: o.count, perFamily: o.perFamily, seeds: 2, projectRoot: o.projectRoot });
  const rules = o.rules ?? Object.keys(GRIDS);
  const specs: { rule: string; options: RuleOptions; spec: string }[] = [];
  for (const rule of rules) {
    const g = GRIDS[rule];
    if (!g) throw new Error(`no tuning grid for rule "${rule}" (${Object.keys(GRIDS).join(", ")})`);
    for (const p of gridPoints(g.grid).filter((q) => !g.keep || g.keep(q))) {
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
        const gapRatioToStatic = gapRatioGeometricMean(out.episodes, s.spec, "static");
        const feasible = tracking === "typical" ? gapRatioToStatic <= 1 : meanGapBps <= reference.meanGapBps;
        return { options: s.options, netRevenue: metric("netRevenue", s.spec), meanGapBps, gapRatioToStatic, feasible };
      });
    grids[rule] = { grid: GRIDS[rule].grid, settings };
    chosen[rule] = pickSetting(settings, tracking).options;
  }
  const perFamily = o.perFamily === undefined ? {} : { perFamily: o.perFamily };
  return { split: o.split, count: source.cases.length, ...perFamily, objective: OBJECTIVES[tracking], reference, rules: chosen, grids };
}

/** What a tuning was judged on: its scenarios (split, and count or per-family) and objective. */
export interface TuningJudging {
  readonly split: Split;
  /** Absent when not yet known (a per-family run's count is known once its scenarios are). */
  readonly count?: number;
  readonly perFamily?: number;
  readonly objective: string;
}

function judgedOn(t: Partial<Record<keyof TuningJudging, unknown>>): string {
  return `split ${String(t.split)}, ${t.perFamily === undefined ? `count ${String(t.count)}` : `per family ${String(t.perFamily)}`}, objective "${String(t.objective)}"`;
}

/**
 * The tuned file a `--rules` run merges into, parsed: undefined when there is none; refused, naming
 * the file, when it cannot be read or is not JSON.
 */
export function readMergeTarget(file: string, where: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new Error(`${where}: cannot read the tuned file (${(e as Error).message})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new Error(`${where}: not valid JSON (${(e as Error).message})`);
  }
}

const REFUSE_HINT = "tune every rule (no --rules), or write this one elsewhere with --out";

/**
 * Checks that a tuned file can take a tuning of some of its rules: valid rules and grids, and judged
 * on the same scenarios by the same objective (else its picks and the fresh ones answer different
 * questions). Returns the file's rules. `tune:baselines --rules` calls it before tuning and again to merge.
 */
export function checkMergeable(previous: unknown, fresh: TuningJudging, where: string): Record<string, RuleOptions> {
  const { rules } = validateTuned(previous, where);
  const prev = previous as Partial<Record<keyof TuningJudging | "grids" | "tunedBy", unknown>>;
  const missing: string[] = [];
  if (prev.split === undefined) missing.push("split");
  if (prev.count === undefined && prev.perFamily === undefined) missing.push("count (or perFamily)");
  if (prev.objective === undefined) missing.push("objective");
  if (missing.length > 0) throw new Error(`${where}: field ${missing.join(", ")} missing, so what its tuning was judged on is unknown: ${REFUSE_HINT}`);
  const same = prev.split === fresh.split && (fresh.count === undefined || prev.count === fresh.count) && prev.perFamily === fresh.perFamily && prev.objective === fresh.objective;
  if (!same) throw new Error(`${where} holds a tuning on ${judgedOn(prev)}; this run is on ${judgedOn(fresh)}: ${REFUSE_HINT}`);
  checkRuleKeyed(prev.grids, rules, `${where}: field grids`, "grid and settings", () => true);
  checkRuleKeyed(prev.tunedBy, rules, `${where}: field tunedBy`, "{ generatedBy, commit }", (v) => {
    const t = v as Partial<Record<keyof TunedBy, unknown>> | null;
    return typeof t === "object" && t !== null && typeof t.generatedBy === "string" && typeof t.commit === "string";
  });
  return rules;
}

/** An optional field keyed by the file's rules (absent is fine): an object, each key a rule of the file, each value as `valid` says. */
function checkRuleKeyed(field: unknown, rules: Record<string, RuleOptions>, where: string, what: string, valid: (v: unknown) => boolean): void {
  if (field === undefined) return;
  if (typeof field !== "object" || field === null || Array.isArray(field)) throw new Error(`${where}: expected an object of rule name → ${what}`);
  for (const [rule, v] of Object.entries(field)) {
    if (!(rule in rules)) throw new Error(`${where}.${rule}: no such rule in its field rules (${Object.keys(rules).join(", ")})`);
    if (!valid(v)) throw new Error(`${where}.${rule}: expected ${what}, got ${JSON.stringify(v)}`);
  }
}

/**
 * A tuning of some rules merged into the tuned file that holds the others: each rule keeps the
 * options and grid of its latest tuning (refused as checkMergeable says).
 */
export function mergeTuneResults(previous: unknown, fresh: TuneResult, where: string): TuneResult {
  const rules = checkMergeable(previous, fresh, where);
  const grids = (previous as Partial<TuneResult>).grids ?? {};
  return { ...fresh, rules: { ...rules, ...fresh.rules }, grids: { ...grids, ...fresh.grids } };
}

/** Which run tuned a rule: its command and commit. */
export interface TunedBy {
  readonly generatedBy: string;
  readonly commit: string;
}

/**
 * Each rule's tuning run after a merge: the fresh rules this run's, the kept ones what the previous
 * file says (its `tunedBy`, else its own command and commit), so a kept rule is not credited to this run.
 */
export function mergeTunedBy(previous: unknown, rules: readonly string[], freshRules: readonly string[], run: TunedBy): Record<string, TunedBy> {
  // `previous` has passed checkMergeable (mergeTuneResults runs first), so its tunedBy is well formed.
  const prev = (previous ?? {}) as { tunedBy?: Record<string, TunedBy>; generatedBy?: unknown; commit?: unknown };
  const fallback: TunedBy = { generatedBy: String(prev.generatedBy ?? "unknown"), commit: String(prev.commit ?? "unknown") };
  return Object.fromEntries(rules.map((rule) => [rule, freshRules.includes(rule) ? run : (prev.tunedBy?.[rule] ?? fallback)]));
}
