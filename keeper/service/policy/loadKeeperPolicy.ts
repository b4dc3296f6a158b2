import path from "node:path";
import type { Policy } from "../../core/policyTypes";
import { BASELINE_NAMES, isBaseline, resolvePolicy } from "../../policy/policyRegistry";
import { loadPolicyFile } from "../../policy/policyFile";
import { QPolicy } from "../../policy/qPolicy";
import { isEnsembleSpec, loadEnsemblePolicy } from "../../supervised/ensembleSpec";

/**
 * The keeper's policy: a learned policy file (verified: schema, sizes, checksum) or, for smoke
 * runs and comparisons, a baseline by name ("static", "formulaic", "threshold").
 */
export function loadKeeperPolicy(policyPath: string): Policy {
  if (isBaseline(policyPath)) return resolvePolicy(policyPath);
  // "ensemble" / "ensemble:<inner>": the inner policy gated by the shipped supervised models.
  if (isEnsembleSpec(policyPath)) return loadEnsemblePolicy(policyPath, { resolveInner: (inner) => (looksLikePath(inner) ? loadKeeperPolicy(inner) : resolvePolicy(inner)) });
  if (!looksLikePath(policyPath)) {
    throw new Error(`policyPath: "${policyPath}" is neither a baseline (${BASELINE_NAMES.join(", ")}) nor a path to a .json policy file`);
  }
  const loaded = loadPolicyFile(policyPath);
  return new QPolicy(loaded, loaded.name);
}

export function looksLikePath(p: string): boolean {
  return p.endsWith(".json") || p.includes(path.sep) || p.includes("/");
}
