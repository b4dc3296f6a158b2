/**
 * Policy names as used on the command line: "static", "formulaic", "threshold", "default"
 * (policies/default.json), another name under policies/, or a path to a policy file.
 */
import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import type { Policy } from "../core/policyTypes";
import { StaticPolicy } from "./baselines/staticPolicy";
import { FormulaicPolicy } from "./baselines/formulaicPolicy";
import { ThresholdPolicy } from "./baselines/thresholdPolicy";
import { loadPolicyFile, type LoadedPolicy } from "./policyFile";
import { QPolicy } from "./qPolicy";
import { isEnsembleSpec, loadEnsemblePolicy } from "../supervised/ensembleSpec";

export const BASELINE_NAMES = ["static", "formulaic", "threshold"] as const;
export const REPO_ROOT = resolve(__dirname, "../..");

export function isBaseline(name: string): boolean {
  return (BASELINE_NAMES as readonly string[]).includes(name);
}

export function policyFilePath(name: string, root = REPO_ROOT): string {
  if (name.endsWith(".json")) return isAbsolute(name) ? name : resolve(process.cwd(), name);
  return resolve(root, "policies", `${name}.json`);
}

export function loadLearned(name: string, root = REPO_ROOT): LoadedPolicy {
  const path = policyFilePath(name, root);
  if (!existsSync(path)) throw new Error(`unknown policy "${name}": not a baseline (${BASELINE_NAMES.join(", ")}) and no policy file at ${path}`);
  return loadPolicyFile(path);
}

/** Builds a policy by name; `root` is where policies/ lives. */
export type PolicyFactory = (name: string, root: string) => Policy;

/**
 * Extension point: named policy factories, consulted before policy files. Another module adds its
 * policies with registerPolicyFactory (e.g. a supervised ensemble) instead of editing resolvePolicy.
 */
const FACTORIES = new Map<string, PolicyFactory>([
  ["static", () => new StaticPolicy()],
  ["formulaic", () => new FormulaicPolicy()],
  ["threshold", () => new ThresholdPolicy()],
]);

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
  return factory ? factory(name, root) : new QPolicy(loadLearned(name, root), name);
}
