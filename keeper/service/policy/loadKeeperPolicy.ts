import path from "node:path";
import type { Policy } from "../../core/policyTypes";
import { BASELINE_NAMES, REPO_ROOT, policyKind, resolvePolicy } from "../../resolve/policyResolver";
import { loadPolicyFile } from "../../policy/policyFile";
import { QPolicy } from "../../policy/qPolicy";

/**
 * The keeper's policy, through the one resolver (keeper/resolve/policyResolver.ts): a learned
 * policy file (verified: schema, sizes, checksum), a baseline by name ("static", …) for smoke runs
 * and comparisons, or a registered family such as "ensemble:<inner>", whose inner policy resolves
 * by these same rules.
 */
export function loadKeeperPolicy(policyPath: string): Policy {
  if (policyKind(policyPath) !== "file") return resolvePolicy(policyPath, REPO_ROOT, loadKeeperPolicy);
  if (!looksLikePath(policyPath)) {
    throw new Error(`policyPath: "${policyPath}" is neither a baseline (${BASELINE_NAMES.join(", ")}) nor a path to a .json policy file`);
  }
  const loaded = loadPolicyFile(policyPath);
  return new QPolicy(loaded, loaded.name);
}

export function looksLikePath(p: string): boolean {
  return p.endsWith(".json") || p.includes(path.sep) || p.includes("/");
}
