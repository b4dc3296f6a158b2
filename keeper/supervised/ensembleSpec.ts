/**
 * Names the ensemble policy answers to, and how it is built from the shipped files:
 *   "ensemble"                         models/supervised/ensemble.json as configured (inner: its `inner`)
 *   "ensemble:<inner>"                 same models and threshold around another inner policy, e.g.
 *                                      "ensemble:policies/default.json" or "ensemble:default"
 *   "ensemble:<inner>@<config.json>"   another ensemble config file
 * The config names the classifier / regressor manifests (relative to the config file), the
 * threshold and whether the regressor sizes actions. Models run in plain TS (plainModel.ts), so
 * loading is synchronous and needs no TF.js backend (keeper start-up, evaluation worker threads).
 */
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { Policy } from "../core/policyTypes";
import { CLASSIFIER_FEATURES, REGRESSOR_FEATURES } from "./adjustmentRecord";
import { loadPlainModel } from "./plainModel";
import { SupervisedEnsemblePolicy, type EnsembleOptions } from "./supervisedEnsemblePolicy";

export const ENSEMBLE_PREFIX = "ensemble";
export const ENSEMBLE_CONFIG_FORMAT = "damm-ensemble";
export const DEFAULT_ENSEMBLE_CONFIG = path.resolve(__dirname, "../../models/supervised/ensemble.json");

const configSchema = z.strictObject({
  format: z.literal(ENSEMBLE_CONFIG_FORMAT),
  schemaVersion: z.literal(1),
  /** Inner policy name or file, resolved like a command-line policy name. */
  inner: z.string().min(1),
  classifier: z.string().min(1),
  sizeRegressor: z.string().min(1).nullable(),
  threshold: z.number().min(0).max(1),
  sizeWithRegressor: z.boolean(),
  /** How the threshold was chosen (documentation only). */
  selection: z.record(z.string(), z.unknown()).optional(),
});

export type EnsembleConfig = z.infer<typeof configSchema>;

export function isEnsembleSpec(name: string): boolean {
  return name === ENSEMBLE_PREFIX || name.startsWith(`${ENSEMBLE_PREFIX}:`);
}

export interface ParsedEnsembleSpec {
  /** Overrides the config's inner policy when set. */
  readonly inner: string | null;
  readonly configPath: string;
}

export function parseEnsembleSpec(spec: string, defaultConfig = DEFAULT_ENSEMBLE_CONFIG): ParsedEnsembleSpec {
  if (!isEnsembleSpec(spec)) throw new Error(`policy "${spec}" is not an ensemble spec ("ensemble" or "ensemble:<inner>[@<config.json>]")`);
  if (spec === ENSEMBLE_PREFIX) return { inner: null, configPath: defaultConfig };
  const rest = spec.slice(ENSEMBLE_PREFIX.length + 1);
  const at = rest.lastIndexOf("@");
  const inner = at >= 0 ? rest.slice(0, at) : rest;
  const configPath = at >= 0 ? path.resolve(rest.slice(at + 1)) : defaultConfig;
  if (inner.length === 0) throw new Error(`policy "${spec}": empty inner policy after "ensemble:"`);
  if (inner.startsWith(`${ENSEMBLE_PREFIX}:`) || inner === ENSEMBLE_PREFIX) throw new Error(`policy "${spec}": an ensemble cannot wrap another ensemble`);
  return { inner, configPath };
}

export function readEnsembleConfig(file: string): EnsembleConfig {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`ensemble config ${file}: cannot read JSON (${(e as Error).message}); train it with \`npm run supervised:train\``);
  }
  const r = configSchema.safeParse(json);
  if (!r.success) throw new Error(`ensemble config ${file}: ${r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`);
  return r.data;
}

export interface BuildEnsembleOptions {
  /** Turns an inner policy name into a Policy (the caller's registry: evaluate or the keeper). */
  readonly resolveInner: (name: string) => Policy;
  /** Overrides of the config (threshold search, tests). */
  readonly overrides?: Partial<Pick<EnsembleOptions, "threshold" | "sizeWithRegressor">>;
}

export function buildEnsembleFromConfig(configPath: string, inner: string | null, o: BuildEnsembleOptions): SupervisedEnsemblePolicy {
  const cfg = readEnsembleConfig(configPath);
  const dir = path.dirname(configPath);
  const classifier = loadPlainModel(path.resolve(dir, cfg.classifier), { kind: ["logistic", "mlp"], featureNames: CLASSIFIER_FEATURES });
  const sizeWithRegressor = o.overrides?.sizeWithRegressor ?? cfg.sizeWithRegressor;
  const sizeRegressor = cfg.sizeRegressor ? loadPlainModel(path.resolve(dir, cfg.sizeRegressor), { kind: "sizeRegressor", featureNames: REGRESSOR_FEATURES }) : null;
  return new SupervisedEnsemblePolicy(o.resolveInner(inner ?? cfg.inner), { classifier, sizeRegressor }, { threshold: o.overrides?.threshold ?? cfg.threshold, sizeWithRegressor });
}

/** "ensemble…" spec → policy. */
export function loadEnsemblePolicy(spec: string, o: BuildEnsembleOptions): SupervisedEnsemblePolicy {
  const p = parseEnsembleSpec(spec);
  return buildEnsembleFromConfig(p.configPath, p.inner, o);
}

/**
 * For a config file: the inner policy (when it is a path) and the ensemble config path resolve
 * against `baseDir`, as a plain policyPath does; names ("default", "static") stay names.
 */
export function resolveEnsembleSpecPaths(spec: string, baseDir: string): string {
  const p = parseEnsembleSpec(spec, DEFAULT_ENSEMBLE_CONFIG);
  if (p.inner === null) return spec;
  const isPath = (s: string) => /[\\/]|\.json$/.test(s);
  const inner = isPath(p.inner) ? path.resolve(baseDir, p.inner) : p.inner;
  const at = spec.slice(ENSEMBLE_PREFIX.length + 1).lastIndexOf("@");
  const config = at >= 0 ? `@${path.resolve(baseDir, spec.slice(ENSEMBLE_PREFIX.length + 1).slice(at + 1))}` : "";
  return `${ENSEMBLE_PREFIX}:${inner}${config}`;
}
