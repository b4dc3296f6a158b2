/**
 * Registers the supervised ensemble ("ensemble", "ensemble:<inner>[@<config.json>]", see
 * ensembleSpec.ts) with the policy registry, so every resolver built on the registry knows it
 * without the policy layer importing this one. Imported for its effect by
 * keeper/resolve/policyResolver.ts (and, by path, by evaluation worker threads).
 */
import { registerPolicyFamily } from "../policy/policyRegistry";
import { ENSEMBLE_PREFIX, isEnsembleSpec, loadEnsemblePolicy } from "./ensembleSpec";

registerPolicyFamily({
  name: ENSEMBLE_PREFIX,
  module: __filename,
  matches: isEnsembleSpec,
  build: (spec, resolveInner) => loadEnsemblePolicy(spec, { resolveInner }),
});
