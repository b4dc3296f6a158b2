/**
 * The rule-based policies with their default options, and the tuned options shipped in
 * keeper/policy/baselines/tuned.json (written by `npm run tune:baselines`, a grid search on the
 * train split). A rule may be named with option overrides: `depth-seeking{"kUpStepBps":50}`.
 */
import fs from "node:fs";
import path from "node:path";
import type { Policy } from "../../core/policyTypes";
import { StaticPolicy } from "./staticPolicy";
import { FormulaicPolicy } from "./formulaicPolicy";
import { DEFAULT_THRESHOLD_OPTIONS, ThresholdPolicy, type ThresholdOptions } from "./thresholdPolicy";
import { DEFAULT_DRIFT_OPTIONS, DriftPolicy, type DriftOptions } from "./driftPolicy";
import { DEFAULT_DEPTH_SEEKING_OPTIONS, DepthSeekingPolicy, type DepthSeekingOptions } from "./depthSeekingPolicy";

export type RuleOptions = Readonly<Record<string, number>>;

export interface RuleDef {
  readonly defaults: RuleOptions;
  readonly build: (options: RuleOptions, name: string) => Policy;
  /**
   * The rule's decision is a function of the observation alone (no memory between calls), so a
   * learned policy may hand it single steps (mdpConfig's rule actions) and ask it at any time.
   */
  readonly stateless: boolean;
}

export const RULES: ReadonlyMap<string, RuleDef> = new Map<string, RuleDef>([
  ["static", { defaults: {}, build: () => new StaticPolicy(), stateless: true }],
  ["formulaic", { defaults: { minGapBps: 0.5 }, build: (o) => new FormulaicPolicy({ minGapBps: o.minGapBps }), stateless: true }],
  ["threshold", { defaults: { ...DEFAULT_THRESHOLD_OPTIONS }, build: (o, n) => renamed(new ThresholdPolicy(o as unknown as ThresholdOptions), n), stateless: true }],
  // Drift remembers the last budget it saw, to estimate the budget's drift rate.
  ["drift", { defaults: { ...DEFAULT_DRIFT_OPTIONS }, build: (o, n) => new DriftPolicy(o as unknown as DriftOptions, n), stateless: false }],
  ["depth-seeking", { defaults: { ...DEFAULT_DEPTH_SEEKING_OPTIONS }, build: (o, n) => new DepthSeekingPolicy(o as unknown as DepthSeekingOptions, n), stateless: true }],
]);

function renamed(p: Policy, name: string): Policy {
  return name === p.name ? p : { name, decide: (obs) => p.decide(obs) };
}

export const TUNED_FILE = path.resolve(__dirname, "tuned.json");

export interface TunedFile {
  readonly rules: Record<string, RuleOptions>;
}

/** Checks every tuned option against the rule's defaults: unknown rule or field, or a non-number, is refused by name. */
export function validateTuned(raw: unknown, file: string): TunedFile {
  const rules = (raw as { rules?: unknown })?.rules;
  if (typeof rules !== "object" || rules === null) throw new Error(`${file}: field rules: expected an object of rule name → options`);
  for (const [name, opts] of Object.entries(rules as Record<string, unknown>)) {
    const def = RULES.get(name);
    if (!def) throw new Error(`${file}: field rules.${name}: no such rule (${[...RULES.keys()].join(", ")})`);
    checkOptions(name, def, opts, `${file}: field rules.${name}`);
  }
  return { rules: rules as Record<string, RuleOptions> };
}

function checkOptions(name: string, def: RuleDef, opts: unknown, where: string): asserts opts is RuleOptions {
  if (typeof opts !== "object" || opts === null) throw new Error(`${where}: expected an object of options`);
  for (const [k, v] of Object.entries(opts)) {
    if (!(k in def.defaults)) throw new Error(`${where}.${k}: rule ${name} has no option ${k} (${Object.keys(def.defaults).join(", ") || "none"})`);
    if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`${where}.${k}: expected a finite number, got ${JSON.stringify(v)}`);
  }
}

let tunedCache: TunedFile | null = null;
export function tunedOptions(file = TUNED_FILE): TunedFile {
  if (file !== TUNED_FILE) return fs.existsSync(file) ? validateTuned(JSON.parse(fs.readFileSync(file, "utf8")), file) : { rules: {} };
  if (!tunedCache) tunedCache = fs.existsSync(file) ? validateTuned(JSON.parse(fs.readFileSync(file, "utf8")), file) : { rules: {} };
  return tunedCache;
}

const SPEC = /^([a-z][a-z0-9-]*)(\{.*\})$/;

/** The rule name a spec starts with: `threshold{"repegAboveBps":20}` → "threshold" (not checked against the rules). */
export function ruleNameOf(spec: string): string {
  return SPEC.exec(spec)?.[1] ?? spec;
}

/** "threshold" or `threshold{"repegAboveBps":20}` → the rule's name and options (defaults ← tuned ← overrides), or null. */
export function parseRuleSpec(spec: string): { rule: string; options: RuleOptions } | null {
  const m = SPEC.exec(spec);
  const rule = m ? m[1] : spec;
  if (!RULES.has(rule)) return null;
  let overrides: unknown = {};
  if (m) {
    try {
      overrides = JSON.parse(m[2]);
    } catch (e) {
      throw new Error(`policy "${spec}": options are not valid JSON (${(e as Error).message})`);
    }
  }
  return { rule, options: completeRuleOptions(rule, overrides, `policy "${spec}"`) };
}

/** A known rule's options: its defaults ← tuned.json ← `overrides` (each override checked by name; `where` names them in errors). */
export function completeRuleOptions(rule: string, overrides: unknown, where: string): RuleOptions {
  const def = RULES.get(rule);
  if (!def) throw new Error(`${where}: no such rule "${rule}" (${[...RULES.keys()].join(", ")})`);
  checkOptions(rule, def, overrides, where);
  return { ...def.defaults, ...(tunedOptions().rules[rule] ?? {}), ...overrides };
}

/**
 * A rule built from a complete option set (every option the rule has, nothing else), as a policy
 * file stores it: no defaults or tuned options are filled in, so the file alone fixes behaviour.
 * `where` names the field in errors.
 */
export function buildRuleWithOptions(rule: string, options: unknown, where: string): { policy: Policy; def: RuleDef } {
  const def = RULES.get(rule);
  if (!def) throw new Error(`${where}.rule: no such rule "${rule}" (${[...RULES.keys()].join(", ")})`);
  checkOptions(rule, def, options, `${where}.options`);
  const missing = Object.keys(def.defaults).filter((k) => !(k in options));
  if (missing.length > 0) throw new Error(`${where}.options: rule ${rule} needs every option; missing ${missing.join(", ")}`);
  return { policy: def.build(options, rule), def };
}

export function buildRule(spec: string): Policy | null {
  const r = parseRuleSpec(spec);
  return r ? RULES.get(r.rule)!.build(r.options, spec) : null;
}

/**
 * Splits a comma-separated policy list (the scripts' `--policies`), keeping commas inside a rule's
 * `{…}` options: `threshold,depth-seeking{"a":1,"b":2}` is two policies. An unbalanced brace is refused.
 */
export function splitPolicyList(list: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of list) {
    if (ch === "{") depth++;
    if (ch === "}") depth--;
    if (depth < 0) throw new Error(`policy list "${list}": a "}" closes no "{"`);
    if (ch === "," && depth === 0) {
      out.push(current);
      current = "";
    } else current += ch;
  }
  if (depth !== 0) throw new Error(`policy list "${list}": a "{" is never closed`);
  out.push(current);
  return out.map((s) => s.trim()).filter(Boolean);
}
