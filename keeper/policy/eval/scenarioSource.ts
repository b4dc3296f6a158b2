/**
 * What `evaluate --scenarios` accepts: a generated split (train | validation | test: the first
 * `count` scenarios of the split, each run on its own seed), a scenario file or a directory of
 * them (each run on `seeds` evaluation seeds). The test split is sealed: only the release command
 * opens it (`allowTest`).
 */
import fs from "node:fs";
import { splitScenarios } from "../../sim/scenarios/generator";
import { SPLITS, type Split } from "../../sim/scenarios/generatorConfig";
import type { Scenario } from "../../sim/scenario";
import { deriveSeed } from "../rng";
import { loadUserScenario, loadUserScenarioDir } from "./userScenario";

export interface EvalCase {
  readonly scenario: Scenario;
  readonly seed: number;
}

export interface ResolvedSource {
  /** "validation (20 generated scenarios)", "file my.json", … */
  readonly label: string;
  readonly split: Split | null;
  readonly cases: EvalCase[];
  readonly scenarios: Scenario[];
}

export const evalSeed = (i: number): number => deriveSeed(0xe7a1, i);

export class SealedSplitError extends Error {}

export interface SourceOptions {
  /** Generated scenarios taken from a split. */
  readonly count: number;
  /** Seeds per scenario for files and directories. */
  readonly seeds: number;
  readonly projectRoot: string;
  /** Only the release command sets this. */
  readonly allowTest?: boolean;
  /** false: take the adversaries out of every scenario (for the with/without comparison). Default true. */
  readonly adversaries?: boolean;
}

function withoutAdversaries(s: ResolvedSource): ResolvedSource {
  const strip = (sc: Scenario): Scenario => ({ ...sc, adversaries: {} });
  return { ...s, label: `${s.label}, adversaries off`, scenarios: s.scenarios.map(strip), cases: s.cases.map((c) => ({ ...c, scenario: strip(c.scenario) })) };
}

export function resolveScenarioSource(spec: string, o: SourceOptions): ResolvedSource {
  const r = resolveWithAdversaries(spec, o);
  return o.adversaries === false ? withoutAdversaries(r) : r;
}

export function isSplit(s: string): s is Split {
  return (SPLITS as readonly string[]).includes(s);
}

function resolveWithAdversaries(spec: string, o: SourceOptions): ResolvedSource {
  if (isSplit(spec)) {
    if (spec === "test" && !o.allowTest) throw new SealedSplitError("the test split is sealed: it is judged only by `npm run evaluate:release` (which records every look); tune and compare on train or validation");
    const scenarios = splitScenarios(spec, o.count);
    return { label: `${spec} (${o.count} generated scenarios, one seed each)`, split: spec, scenarios, cases: scenarios.map((scenario) => ({ scenario, seed: scenario.seed })) };
  }
  if (!fs.existsSync(spec)) throw new Error(`--scenarios: "${spec}" is neither train, validation, test nor an existing file or directory`);
  const scenarios = fs.statSync(spec).isDirectory() ? loadUserScenarioDir(spec, o.projectRoot) : [loadUserScenario(spec, o.projectRoot)];
  const cases: EvalCase[] = [];
  for (const scenario of scenarios) for (let i = 0; i < o.seeds; i++) cases.push({ scenario, seed: evalSeed(i) });
  return { label: `${spec} (${scenarios.length} scenario file(s) × ${o.seeds} seeds)`, split: null, scenarios, cases };
}
