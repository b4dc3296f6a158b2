/**
 * What `evaluate --scenarios` accepts: a generated split (train | validation | test: the first
 * `count` scenarios of the split, each run on its own seed), a scenario file or a directory of
 * them (each run on `seeds` evaluation seeds). The test split is sealed: only the release command
 * opens it (`allowTest`).
 */
import fs from "node:fs";
import { generateScenario, seedOf, splitScenarios } from "../../sim/scenarios/generator";
import { FAMILIES, SPLITS, type Split } from "../../sim/scenarios/generatorConfig";
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
  /**
   * Generated splits only: instead of the first `count` scenarios, the first `perFamily` of each
   * family in seed order (a choice made from the generator's labels, never from results), so every
   * family is judged on the same number of paired units.
   */
  readonly perFamily?: number;
}

/** The real-price family: replayed windows of a real series (reported on their own, DESIGN §9). */
export const REAL_FAMILY = "real";

const GENERATED_NAME = /^(?:train|validation|test)-\d+-([a-z-]+)$/;

/**
 * A scenario's family: the generator's family for a generated scenario (its name ends in it);
 * otherwise "real" for a replayed price series and the oracle's kind for any other file.
 */
export function scenarioFamily(sc: Scenario): string {
  const m = GENERATED_NAME.exec(sc.name);
  if (m && (FAMILIES as readonly string[]).includes(m[1])) return m[1];
  return sc.oracle.kind === "replay" ? REAL_FAMILY : sc.oracle.kind;
}

/** Scenario name → family (scenarioFamily) over the given scenarios; a name not among them is refused. */
export function familyLookup(scenarios: readonly Scenario[]): (name: string) => string {
  const family = new Map(scenarios.map((sc) => [sc.name, scenarioFamily(sc)]));
  return (name) => {
    const f = family.get(name);
    if (f === undefined) throw new Error(`scenario "${name}" is not among the evaluated scenarios`);
    return f;
  };
}

/** The first `perFamily` scenarios of every family of a split, in seed order. */
export function stratifiedSplit(split: Split, perFamily: number): Scenario[] {
  if (!Number.isInteger(perFamily) || perFamily < 1) throw new Error(`scenarios per family must be a positive integer, got ${perFamily}`);
  const taken = new Map<string, Scenario[]>(FAMILIES.map((f) => [f, []]));
  // The lightest family has weight 1 of 10: 100× the need is far more than any draw takes.
  const limit = perFamily * FAMILIES.length * 100;
  for (let i = 0; i < limit && [...taken.values()].some((l) => l.length < perFamily); i++) {
    const sc = generateScenario(seedOf(split, i));
    const list = taken.get(scenarioFamily(sc))!;
    if (list.length < perFamily) list.push(sc);
  }
  const short = [...taken].filter(([, l]) => l.length < perFamily).map(([f, l]) => `${f} (${l.length})`);
  if (short.length > 0) throw new Error(`split ${split}: fewer than ${perFamily} scenarios of ${short.join(", ")} in its first ${limit} seeds`);
  return [...taken.values()].flat().sort((a, b) => a.seed - b.seed);
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
    if (o.perFamily !== undefined) {
      const scenarios = stratifiedSplit(spec, o.perFamily);
      return { label: `${spec} (${o.perFamily} generated scenarios per family × ${FAMILIES.length} families = ${scenarios.length}, one seed each)`, split: spec, scenarios, cases: scenarios.map((scenario) => ({ scenario, seed: scenario.seed })) };
    }
    const scenarios = splitScenarios(spec, o.count);
    return { label: `${spec} (${o.count} generated scenarios, one seed each)`, split: spec, scenarios, cases: scenarios.map((scenario) => ({ scenario, seed: scenario.seed })) };
  }
  if (o.perFamily !== undefined) throw new Error(`--per-family applies to the generated splits (${SPLITS.join(", ")}), not to "${spec}"`);
  if (!fs.existsSync(spec)) throw new Error(`--scenarios: "${spec}" is neither train, validation, test nor an existing file or directory`);
  const scenarios = fs.statSync(spec).isDirectory() ? loadUserScenarioDir(spec, o.projectRoot) : [loadUserScenario(spec, o.projectRoot)];
  const cases: EvalCase[] = [];
  for (const scenario of scenarios) for (let i = 0; i < o.seeds; i++) cases.push({ scenario, seed: evalSeed(i) });
  return { label: `${spec} (${scenarios.length} scenario file(s) × ${o.seeds} seeds)`, split: null, scenarios, cases };
}
