/**
 * Which policy the name "default" means (issue 16: the keeper's default is whichever is best on
 * validation, learned or a tuned rule). policies/selection.json records every candidate's
 * validation figures, written by `npm run select:default`; the choice is computed from them here,
 * so the file cannot claim a winner its own figures do not show:
 * the highest mean protocol net revenue among the candidates that track no worse than no keeper
 * (static, when it is a candidate): a mean gap no wider overall and, where the file has them, in
 * every scenario family (the issue judges per family and overall; BENCHMARKS "A stronger rule,
 * judged and not shipped"); ties go to the earlier candidate. The learned policy replaces the best
 * eligible rule only where it beats it on all three of the issue's conditions (without the 1.2
 * margin): more net revenue, a mean gap no wider and a CVaR 5 % no lower; a learned policy that
 * earns more on average by losing the tail is not shipped over the rule.
 * "learned" names the shipped Q-policy file, policies/default.json.
 */
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { formatIssues } from "./mdpConfig";

export const LEARNED_NAME = "learned";
export const SELECTION_KIND = "damm-policy-selection";

const CandidateSchema = z
  .object({
    policy: z.string().min(1),
    netRevenue: z.number().finite(),
    meanGapBps: z.number().finite().min(0),
    cvar5NetRevenue: z.number().finite(),
    /** Mean |mark − oracle| (bps) per scenario family; files written before 2026-12-02 have none. */
    familyMeanGapBps: z.record(z.string(), z.number().finite().min(0)).optional(),
  })
  .strict();

export const SelectionSchema = z
  .object({
    kind: z.literal(SELECTION_KIND),
    schemaVersion: z.literal(1),
    /** The command that evaluated the candidates, and where. */
    command: z.string(),
    commit: z.string(),
    split: z.literal("validation"),
    scenarios: z.number().int().min(2),
    candidates: z.array(CandidateSchema).min(1),
  })
  .strict();
export type Selection = z.infer<typeof SelectionSchema>;
export type SelectionCandidate = z.infer<typeof CandidateSchema>;

/** The winner of a list of candidates (see the file comment). */
export function chooseDefault(candidates: readonly SelectionCandidate[]): string {
  if (candidates.length === 0) throw new Error("policy selection: no candidates");
  const noKeeper = candidates.find((c) => c.policy === "static");
  const eligible = noKeeper ? candidates.filter((c) => tracksNoWorse(c, noKeeper)) : [...candidates];
  const highest = (cs: readonly SelectionCandidate[]) => cs.reduce((best, c) => (c.netRevenue > best.netRevenue ? c : best), cs[0]);
  const best = highest(eligible);
  if (best.policy !== LEARNED_NAME) return best.policy;
  const rules = eligible.filter((c) => c.policy !== LEARNED_NAME && c.policy !== "static");
  if (rules.length === 0) return best.policy;
  const rule = highest(rules);
  const beatsRule = best.meanGapBps <= rule.meanGapBps && best.cvar5NetRevenue >= rule.cvar5NetRevenue;
  return beatsRule ? best.policy : rule.policy;
}

/**
 * Where `c` tracks worse than `ref` (no keeper): "overall" and every family of `ref`'s whose mean
 * gap `c` exceeds or has no figure for (`select:default` writes every family for every candidate,
 * so a missing one is a mixed file). A NaN gap counts as worse. Empty: `c` tracks no worse.
 */
export function trackingShortfalls(c: SelectionCandidate, ref: SelectionCandidate): string[] {
  const out = c.meanGapBps <= ref.meanGapBps ? [] : ["overall"];
  const mine = c.familyMeanGapBps ?? {};
  for (const [family, gap] of Object.entries(ref.familyMeanGapBps ?? {})) {
    const own = Object.hasOwn(mine, family) ? mine[family] : undefined;
    if (!(own !== undefined && own <= gap)) out.push(own === undefined ? `${family} (no figure)` : `${family} ${own.toFixed(1)} > ${gap.toFixed(1)}`);
  }
  return out;
}

export function tracksNoWorse(c: SelectionCandidate, ref: SelectionCandidate): boolean {
  return trackingShortfalls(c, ref).length === 0;
}

export function selectionPath(root: string): string {
  return path.resolve(root, "policies", "selection.json");
}

export function parseSelection(raw: unknown, source: string): Selection {
  const r = SelectionSchema.safeParse(raw);
  if (!r.success) throw new Error(`policy selection ${source} is malformed: ${formatIssues(r.error)}`);
  return r.data;
}

/**
 * The rule (not static, not the learned policy) with the highest validation net revenue in the
 * selection, whatever it tracks (the rule a learned policy is judged against), or null without one.
 */
export function bestRuleOnValidation(root: string): string | null {
  const file = selectionPath(root);
  if (!fs.existsSync(file)) return null;
  const rules = parseSelection(JSON.parse(fs.readFileSync(file, "utf8")), file).candidates.filter((c) => c.policy !== LEARNED_NAME && c.policy !== "static");
  return rules.length ? rules.reduce((a, b) => (b.netRevenue > a.netRevenue ? b : a)).policy : null;
}

/** What "default" resolves to under `root`: the selection's winner, or "learned" when the project has no selection file. */
export function selectedDefault(root: string): string {
  const file = selectionPath(root);
  if (!fs.existsSync(file)) return LEARNED_NAME;
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`policy selection ${file} is not valid JSON (${(e as Error).message})`);
  }
  return chooseDefault(parseSelection(raw, file).candidates);
}
