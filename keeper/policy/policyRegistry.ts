/**
 * Policy names as used on the command line: a rule ("static", "formulaic", "threshold", "drift",
 * "depth-seeking", with tuned options from baselines/tuned.json, or with overrides as
 * `threshold{"repegAboveBps":20}`), "default" (policies/default.json), another name under policies/,
 * or a path to a policy file. Every registered rule is a baseline.
 */
import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import type { Policy } from "../core/policyTypes";
import { RULES, buildRule, parseRuleSpec } from "./baselines/ruleCatalog";
import { loadPolicyFile, type LoadedPolicy } from "./policyFile";
import { QPolicy } from "./qPolicy";
import { isEnsembleSpec, loadEnsemblePolicy } from "../supervised/ensembleSpec";

export const REPO_ROOT = resolve(__dirname, "../..");

/** Every registered rule (built-in and added by registerPolicyFactory), in registration order. */
export function baselineNames(): string[] {
  return [...FACTORIES.keys()];
}

/** The built-in rules (kept for callers that print the list). */
export const BASELINE_NAMES: readonly string[] = [...RULES.keys()];

export function isBaseline(name: string): boolean {
  return FACTORIES.has(name) || parseRuleSpec(name) !== null;
}

export function policyFilePath(name: string, root = REPO_ROOT): string {
  if (name.endsWith(".json")) return isAbsolute(name) ? name : resolve(process.cwd(), name);
  return resolve(root, "policies", `${name}.json`);
}

export function loadLearned(name: string, root = REPO_ROOT): LoadedPolicy {
  const path = policyFilePath(name, root);
  if (!existsSync(path)) throw new Error(`unknown policy "${name}": not a baseline (${baselineNames().join(", ")}) and no policy file at ${path}`);
  return loadPolicyFile(path);
}

/** Builds a policy by name; `root` is where policies/ lives. */
export type PolicyFactory = (name: string, root: string) => Policy;

/**
 * Extension point: named policy factories, consulted before policy files. Another module adds its
 * policies with registerPolicyFactory (e.g. a supervised ensemble) instead of editing resolvePolicy.
 */
const FACTORIES = new Map<string, PolicyFactory>([...RULES.keys()].map((n) => [n, (name: string) => buildRule(name)!] as const));

export function registerPolicyFactory(name: string, factory: PolicyFactory): void {
  if (FACTORIES.has(name)) throw new Error(`policy factory "${name}" is already registered`);
  FACTORIES.set(name, factory);
}

export function registeredPolicyNames(): string[] {
  return [...FACTORIES.keys()];
}

export function resolvePolicy(name: string, root = REPO_ROOT): Policy {
  // "ensemble" / "ensemble:<inner>": Q-policy gated by the supervised classifier (keeper/supervised).
  if (isEnsembleSpec(name)) return loadEnsemblePolicy(name, { resolveInner: (inner) => resolvePolicy(inner, root) });
  const factory = FACTORIES.get(name);
  if (factory) return factory(name, root);
  const rule = buildRule(name);
  return rule ?? new QPolicy(loadLearned(name, root), name);
}
