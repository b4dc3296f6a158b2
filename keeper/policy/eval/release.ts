/**
 * The only door to the sealed test split (`npm run evaluate:release`, DESIGN §9). Every look is
 * recorded in a committed file (docs/test-looks.json) *before* the evaluation runs — a look that
 * crashes still counts — with the commit, the checksum of each policy judged and a running count;
 * the figures are added when the run ends. A dirty working tree is refused: a look must name the
 * code it judged.
 */
import { execSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { canonicalJson, sha256Hex } from "../canonicalJson";
import { loadLearned, policyKind } from "../policyRegistry";
import { parseRuleSpec } from "../baselines/ruleCatalog";
import { evaluate, type EvaluateOutput } from "./evaluate";
import { resolveScenarioSource, type ResolvedSource } from "./scenarioSource";

export const LOOKS_FILE = "docs/test-looks.json";

export interface Look {
  readonly look: number;
  readonly time: string;
  readonly commit: string;
  readonly scenarios: string;
  readonly policies: { readonly name: string; readonly checksum: string }[];
  status: "started" | "finished" | "failed";
  results?: Record<string, { netRevenue: [number, number, number]; meanGapBps: [number, number, number] }>;
  error?: string;
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

export interface ReleaseOptions {
  readonly policies: readonly string[];
  readonly count: number;
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
  const policies = o.policies.map((name) => ({ name, checksum: policyChecksum(name) }));
  const source = o.source ?? resolveScenarioSource("test", { count: o.count, seeds: 2, projectRoot: o.projectRoot, allowTest: true });
  const looks = readLooks(o.looksFile);
  const look: Look = { look: looks.count + 1, time: new Date().toISOString(), commit: git.commit, scenarios: source.label, policies, status: "started" };
  looks.looks.push(look);
  looks.count = looks.looks.length;
  writeLooks(o.looksFile, looks);
  try {
    const out = await evaluate({ policies: o.policies, source, seeds: 2, threads: o.threads, replay: false });
    const row = (key: string, p: string): [number, number, number] => {
      const r = out.report.metrics.find((m) => m.key === key)!.rows.find((x) => x.policy === p)!;
      return [r.mean, r.lo, r.hi];
    };
    look.results = Object.fromEntries(o.policies.map((p) => [p, { netRevenue: row("netRevenue", p), meanGapBps: row("meanGapBps", p) }]));
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
