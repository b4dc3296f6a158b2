/**
 * The one policy resolver for programs (scripts, the keeper, the supervised CLIs): the policy
 * registry with every family of the layers below registered. Layer: above policy and supervised,
 * below service (see .dependency-cruiser.cjs). Resolve policy names through this module, not
 * through keeper/policy/policyRegistry.ts directly, or "ensemble" is an unknown policy file.
 */
import "../supervised/ensembleFamily";

export {
  BASELINE_NAMES,
  REPO_ROOT,
  baselineNames,
  canonicalPolicyName,
  isBaseline,
  policyFilePath,
  loadLearned,
  policyKind,
  registeredPolicyNames,
  resolvePolicy,
  type PolicyKind,
} from "../policy/policyRegistry";
