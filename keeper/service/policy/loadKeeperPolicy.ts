import path from "node:path";
import type { Policy } from "../../core/policyTypes";
import { BASELINE_NAMES, REPO_ROOT, policyFilePath, policyKind, resolvePolicy } from "../../resolve/policyResolver";
import { loadPolicyFile } from "../../policy/policyFile";
import { QPolicy } from "../../policy/qPolicy";

/**
 * The keeper's policy, through the one resolver (keeper/resolve/policyResolver.ts): a learned
 * policy file (verified: schema, sizes, checksum), a baseline by name ("static", …) for smoke runs
 * and comparisons, or a registered family such as "ensemble:<inner>", whose inner policy resolves
 * by these same rules. "default" is the policy selected on validation (policies/selection.json:
 * the learned file or a rule), "learned" the shipped learned file.
 */
export function loadKeeperPolicy(policyPath: string): Policy {
  if (policyKind(policyPath) !== "file") return resolvePolicy(policyPath, REPO_ROOT, loadKeeperPolicy);
  if (policyPath === "default" || policyPath === "learned") return loadKeeperPolicy(policyFilePath(policyPath));
  if (!looksLikePath(policyPath)) {
    throw new Error(`policyPath: "${policyPath}" is neither a baseline (${BASELINE_NAMES.join(", ")}) nor a path to a .json policy file`);
  }
  const loaded = loadPolicyFile(policyPath);
  return new QPolicy(loaded, loaded.name);
}

export function looksLikePath(p: string): boolean {
  return p.endsWith(".json") || p.includes(path.sep) || p.includes("/");
}
