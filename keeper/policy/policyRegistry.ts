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

export function resolvePolicy(name: string, root = REPO_ROOT): Policy {
  switch (name) {
    case "static":
      return new StaticPolicy();
    case "formulaic":
      return new FormulaicPolicy();
    case "threshold":
      return new ThresholdPolicy();
    default:
      return new QPolicy(loadLearned(name, root), name);
  }
}
