/**
 * The only door to the sealed test split (`npm run evaluate:release`, DESIGN §9). Every look is
 * recorded in a committed file (docs/test-looks.json) *before* the evaluation runs — a look that
 * crashes still counts — with the commit, the checksum of each policy judged and a running count;
 * the figures are added when the run ends. A dirty working tree is refused: a look must name the
 * code it judged. The judgement is the goal verdict (DESIGN §9 "The goal"): the judged policy against
 * the best tuned rule on the same scenarios, per family, overall and on the real-price windows on
 * their own, with the sandwich bot present in every scenario (forced on, and checked).
 */
import { execSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { canonicalJson, sha256Hex } from "../canonicalJson";
import { loadLearned, policyKind } from "../policyRegistry";
import { parseRuleSpec } from "../baselines/ruleCatalog";
import { evaluate, type EvaluateOutput } from "./evaluate";
import { REAL_FAMILY, resolveScenarioSource, type ResolvedSource } from "./scenarioSource";
import { FAMILIES } from "../../sim/scenarios/generatorConfig";
import type { GroupJudgement } from "./verdict";

export const LOOKS_FILE = "docs/test-looks.json";

export interface Look {
  readonly look: number;
  readonly time: string;
  readonly commit: string;
  readonly scenarios: string;
  readonly policies: { readonly name: string; readonly checksum: string }[];
  /** The policy the goal verdict judges (looks before issue 16 have none). */
  readonly judged?: string;
  /** Which adversaries ran ("sandwich bot in 210/210 scenarios"). */
  readonly adversaries?: string;
  status: "started" | "finished" | "failed";
  /** Overall figures per policy: [mean, lo, hi] over paired units. */
  results?: Record<string, { netRevenue: [number, number, number]; meanGapBps: [number, number, number] }>;
  /** The goal verdict with its figures per family, overall and for the real-price windows. */
  judgement?: LookJudgement;
  error?: string;
}

type Triple = [number, number, number];

export interface LookGroup {
  readonly units: number;
  readonly met: boolean;
  readonly revenueMet: boolean;
  readonly trackingMet: boolean;
  readonly cvarMet: boolean;
  readonly ratio: number | null;
  readonly margin: number;
  /** Paired 95 % of judged − margin·rule net revenue, and of judged − rule mean gap. */
  readonly revenueMargin: Triple;
  readonly gapDiff: Triple;
  readonly policies: Record<string, { netRevenue: Triple; meanGapBps: Triple; cvar5NetRevenue: number }>;
}

export interface LookJudgement {
  readonly met: boolean;
  readonly judged: string;
  readonly rule: string;
  readonly ruleChoice: string;
  /** Families (the real-price windows under their family name), then "overall". */
  readonly groups: Record<string, LookGroup>;
  readonly realFamily: string;
  readonly realWindows: string[];
}

const triple = (i: { mean: number; lo: number; hi: number }): Triple => [i.mean, i.lo, i.hi];

function lookGroup(g: GroupJudgement): LookGroup {
  return {
    units: g.units,
    met: g.met,
    revenueMet: g.revenueMet,
    trackingMet: g.trackingMet,
    cvarMet: g.cvarMet,
    ratio: g.ratio,
    margin: g.margin,
    revenueMargin: triple(g.revenueMargin),
    gapDiff: triple(g.gapDiff),
    policies: Object.fromEntries(Object.entries(g.figures).map(([p, f]) => [p, { netRevenue: triple(f.netRevenue), meanGapBps: triple(f.meanGapBps), cvar5NetRevenue: f.cvar5NetRevenue }])),
  };
}

export interface LooksFile {
  readonly note: string;
  count: number;
  looks: Look[];
}

export function policyChecksum(name: string): string {
  const rule = parseRuleSpec(name);
  if (rule) return `sha256:${sha256Hex(canonicalJson({ rule: rule.rule, options: rule.options }))}`;
  if (policyKind(name) !== "file") return `sha256:${sha256Hex(name)} (name only)`;
  return loadLearned(name).checksum;
}

export interface GitState {
  readonly commit: string;
  readonly dirty: boolean;
}

export function gitState(root: string): GitState {
  const commit = execSync("git rev-parse HEAD", { cwd: root }).toString().trim();
  const dirty = execSync("git status --porcelain --untracked-files=no", { cwd: root }).toString().trim() !== "";
  return { commit, dirty };
}

export function readLooks(file: string): LooksFile {
  if (!fs.existsSync(file)) return { note: "Every look at the sealed test split, written by npm run evaluate:release; never edit by hand.", count: 0, looks: [] };
  const raw = JSON.parse(fs.readFileSync(file, "utf8")) as LooksFile;
  if (!Array.isArray(raw.looks) || raw.count !== raw.looks.length) throw new Error(`${file}: count ${raw.count} does not match its ${raw.looks?.length} looks: the record was edited; refusing to add to it`);
  return raw;
}

function writeLooks(file: string, looks: LooksFile): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(looks, null, 1) + "\n");
  fs.renameSync(tmp, file);
}

/** Paired units per family the release judges at least (issue 16: ≥ 20 seeds). */
export const MIN_PER_FAMILY = 20;

export interface ReleaseOptions {
  readonly policies: readonly string[];
  /** The policy the goal verdict judges (the shipped one: "default"). */
  readonly judged: string;
  /** Test scenarios per family (the first of each family in seed order), ≥ MIN_PER_FAMILY. */
  readonly perFamily: number;
  readonly threads: number;
  readonly projectRoot: string;
  readonly looksFile: string;
  /** Tests only: a scenario source other than the test split, and a fixed git state. */
  readonly source?: ResolvedSource;
  readonly git?: GitState;
}

export async function runRelease(o: ReleaseOptions): Promise<{ look: Look; out: EvaluateOutput }> {
  const git = o.git ?? gitState(o.projectRoot);
  if (git.dirty) throw new Error("evaluate:release refuses a working tree with uncommitted changes: commit first, so the look names the code it judged");
  if (!o.policies.includes(o.judged)) throw new Error(`evaluate:release: the judged policy "${o.judged}" is not among --policies (${o.policies.join(", ")})`);
  const policies = o.policies.map((name) => ({ name, checksum: policyChecksum(name) }));
  if (!o.policies.some((p) => p !== o.judged && policyKind(p) === "baseline")) throw new Error(`evaluate:release needs at least one tuned rule besides ${o.judged} among --policies`);
  if (!o.source && (!Number.isInteger(o.perFamily) || o.perFamily < MIN_PER_FAMILY)) throw new Error(`evaluate:release judges at least ${MIN_PER_FAMILY} scenarios per family, got ${o.perFamily}`);
  const source = o.source ?? resolveScenarioSource("test", { count: o.perFamily * FAMILIES.length, perFamily: o.perFamily, seeds: 2, projectRoot: o.projectRoot, allowTest: true, adversaries: true });
  const withBot = source.cases.filter((c) => c.scenario.adversaries.sandwich !== undefined).length;
  if (withBot !== source.cases.length) {
    const missing = source.cases.find((c) => c.scenario.adversaries.sandwich === undefined)!.scenario.name;
    throw new Error(`evaluate:release judges with the sandwich bot present: scenario ${missing} has none (${withBot}/${source.cases.length} have it)`);
  }
  const adversaries = `sandwich bot in ${withBot}/${source.cases.length} scenarios`;
  const looks = readLooks(o.looksFile);
  const look: Look = { look: looks.count + 1, time: new Date().toISOString(), commit: git.commit, scenarios: source.label, judged: o.judged, adversaries, policies, status: "started" };
  looks.looks.push(look);
  looks.count = looks.looks.length;
  writeLooks(o.looksFile, looks);
  try {
    const out = await evaluate({ policies: o.policies, source, seeds: 2, threads: o.threads, replay: false, judged: o.judged });
    if (!out.goal) throw new Error("evaluate:release: no goal verdict (no rule to judge against)");
    const row = (key: string, p: string): [number, number, number] => {
      const r = out.report.metrics.find((m) => m.key === key)!.rows.find((x) => x.policy === p)!;
      return [r.mean, r.lo, r.hi];
    };
    look.results = Object.fromEntries(o.policies.map((p) => [p, { netRevenue: row("netRevenue", p), meanGapBps: row("meanGapBps", p) }]));
    look.judgement = {
      met: out.goal.met,
      judged: out.goal.judged,
      rule: out.goal.rule,
      ruleChoice: "the tuned rule with the highest mean net revenue on these same scenarios",
      groups: Object.fromEntries(out.goal.groups.map((g) => [g.group, lookGroup(g)])),
      realFamily: REAL_FAMILY,
      realWindows: out.realWindows,
    };
    look.status = "finished";
    writeLooks(o.looksFile, looks);
    return { look, out };
  } catch (e) {
    look.status = "failed";
    look.error = (e as Error).message;
    writeLooks(o.looksFile, looks);
    throw e;
  }
}
