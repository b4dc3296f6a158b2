/**
 * Policy names as used on the command line: a rule ("static", "formulaic", "threshold", "drift",
 * "depth-seeking", with tuned options from baselines/tuned.json, or with overrides as
 * `threshold{"repegAboveBps":20}`), "learned" (the shipped Q-policy, policies/default.json), "default"
 * (whichever policies/selection.json shows best on validation: "learned" or a rule), another name under policies/,
 * or a path to a policy file. Every registered rule is a baseline. Layers above this one add
 * policies through registerPolicyFactory (a named rule) or registerPolicyFamily (names that wrap
 * other policies, e.g. the supervised "ensemble:<inner>"); keeper/resolve/policyResolver.ts is the
 * one resolver that has them all registered.
 */
import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import type { Policy } from "../core/policyTypes";
import { RULES, buildRule, parseRuleSpec } from "./baselines/ruleCatalog";
import { loadPolicyFile, type LoadedPolicy } from "./policyFile";
import { QPolicy } from "./qPolicy";
import { LEARNED_NAME, selectedDefault } from "./defaultSelection";

export const REPO_ROOT = resolve(__dirname, "../..");

/** Every registered rule (built-in and added by registerPolicyFactory), in registration order. */
export function baselineNames(): string[] {
  return [...FACTORIES.keys()];
}

/** The built-in rules (kept for callers that print the list). */
export const BASELINE_NAMES: readonly string[] = [...RULES.keys()];

/**
 * "default" → the policy selected on validation (defaultSelection.ts: a rule's name, possibly with
 * options, or "learned");
 * every other name is itself.
 */
export function canonicalPolicyName(name: string, root = REPO_ROOT): string {
  return name === "default" ? selectedDefault(root) : name;
}

export function isBaseline(name: string): boolean {
  const n = canonicalPolicyName(name);
  return FACTORIES.has(n) || parseRuleSpec(n) !== null;
}

/** A policy file's path: "learned" (and "default" when it selects the learned policy) is policies/default.json. */
export function policyFilePath(name: string, root = REPO_ROOT): string {
  if (name.endsWith(".json")) return isAbsolute(name) ? name : resolve(process.cwd(), name);
  const n = canonicalPolicyName(name, root);
  return resolve(root, "policies", `${n === LEARNED_NAME ? "default" : n}.json`);
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

/**
 * A family of policy names that wrap or compose other policies ("ensemble", "ensemble:<inner>").
 * `module` is the file that registers it: evaluation worker threads require it before resolving,
 * so a family registered in the main thread exists in the workers too.
 */
export interface PolicyFamily {
  readonly name: string;
  readonly module: string;
  matches(spec: string): boolean;
  /** Builds the policy; `resolveInner` resolves the names it wraps (the caller's resolver). */
  build(spec: string, resolveInner: (name: string) => Policy): Policy;
}

const FAMILIES = new Map<string, PolicyFamily>();

/** Registers a family once; registering the same family from the same module again is a no-op. */
export function registerPolicyFamily(family: PolicyFamily): void {
  const known = FAMILIES.get(family.name);
  if (known && known.module === family.module) return;
  if (known) throw new Error(`policy family "${family.name}" is already registered by ${known.module}`);
  FAMILIES.set(family.name, family);
}

function familyOf(name: string): PolicyFamily | undefined {
  for (const f of FAMILIES.values()) if (f.matches(name)) return f;
  return undefined;
}

/** Modules that register families: what an evaluation worker must load before resolving. */
export function policyFamilyModules(): string[] {
  return [...new Set([...FAMILIES.values()].map((f) => f.module))];
}

/** How a name resolves: a rule (a baseline), a registered family, or a policy file. */
export type PolicyKind = "baseline" | "family" | "file";

export function policyKind(name: string): PolicyKind {
  if (familyOf(name)) return "family";
  if (name === "default") return policyKind(canonicalPolicyName(name));
  return isBaseline(name) ? "baseline" : "file";
}

/**
 * Name → policy. `resolveInner` is how a family resolves the names it wraps (default: this
 * resolver; the keeper passes its own, which accepts policy file paths only).
 */
export function resolvePolicy(name: string, root = REPO_ROOT, resolveInner: (inner: string) => Policy = (inner) => resolvePolicy(inner, root)): Policy {
  if (name === "default") {
    const chosen = canonicalPolicyName(name, root);
    if (chosen !== LEARNED_NAME) return resolvePolicy(chosen, root, resolveInner);
  }
  const family = familyOf(name);
  if (family) return family.build(name, resolveInner);
  const factory = FACTORIES.get(name);
  if (factory) return factory(name, root);
  const rule = buildRule(name);
  return rule ?? new QPolicy(loadLearned(name, root), name);
}
