/**
 * The policy file: schema version, MDP (state discretisation, action set, reward weights),
 * Q-table, visit counts, training config and curve, and a SHA-256 over the canonical content
 * (everything but the checksum field). Loading refuses anything it cannot trust, with the reason.
 */
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { z } from "zod";
import { MdpConfigSchema, formatIssues, type MdpConfig } from "./mdpConfig";
import { createStateSpace } from "./stateIndex";
import { createActionResolver } from "./ruleActions";
import { QTable } from "./qTable";
import { canonicalJson, sha256Hex } from "./canonicalJson";

/** 2: the reward of issue 16 (net revenue, tracking, drawdown; no depth credit). */
export const POLICY_SCHEMA_VERSION = 2;
export const POLICY_FILE_KIND = "damm-q-policy";

export const TrainingPointSchema = z
  .object({ episode: z.number().int().min(0), reward: z.number().finite(), epsilon: z.number().min(0).max(1) })
  .strict();
export type TrainingPoint = z.infer<typeof TrainingPointSchema>;

const PolicyContentSchema = z
  .object({
    kind: z.literal(POLICY_FILE_KIND),
    schemaVersion: z.literal(POLICY_SCHEMA_VERSION),
    name: z.string().min(1),
    mdp: MdpConfigSchema,
    nStates: z.number().int().positive(),
    nActions: z.number().int().positive(),
    qTable: z.array(z.number().finite()),
    visits: z.array(z.number().int().min(0)),
    /** Free-form training settings (learner, scenarios, seed, episodes), kept for provenance. */
    training: z.record(z.string(), z.unknown()),
    trainingCurve: z.array(TrainingPointSchema),
  })
  .strict();
export type PolicyContent = z.infer<typeof PolicyContentSchema>;

export interface PolicyFile extends PolicyContent {
  checksum: string;
}

export interface LoadedPolicy {
  readonly name: string;
  readonly mdp: MdpConfig;
  readonly table: QTable;
  readonly training: Record<string, unknown>;
  readonly trainingCurve: readonly TrainingPoint[];
  readonly checksum: string;
}

export function checksumOf(content: PolicyContent): string {
  return `sha256:${sha256Hex(canonicalJson(content))}`;
}

export function buildPolicyFile(args: {
  name: string;
  mdp: MdpConfig;
  table: QTable;
  training: Record<string, unknown>;
  trainingCurve: readonly TrainingPoint[];
}): PolicyFile {
  const content: PolicyContent = {
    kind: POLICY_FILE_KIND,
    schemaVersion: POLICY_SCHEMA_VERSION,
    name: args.name,
    mdp: args.mdp,
    nStates: args.table.nStates,
    nActions: args.table.nActions,
    qTable: Array.from(args.table.q),
    visits: Array.from(args.table.visits),
    training: JSON.parse(JSON.stringify(args.training)) as Record<string, unknown>,
    trainingCurve: args.trainingCurve.map((p) => ({ ...p })),
  };
  validateConsistency(content, "new policy");
  return { ...content, checksum: checksumOf(content) };
}

export function serialisePolicyFile(file: PolicyFile): string {
  return JSON.stringify(file) + "\n";
}

export function savePolicyFile(path: string, file: PolicyFile): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, serialisePolicyFile(file));
}

function validateConsistency(c: PolicyContent, source: string): void {
  const space = createStateSpace(c.mdp.state);
  if (c.nStates !== space.size) {
    throw new Error(`policy file ${source}: nStates is ${c.nStates} but the state discretisation has ${space.size} states`);
  }
  if (c.nActions !== c.mdp.actions.length) {
    throw new Error(`policy file ${source}: nActions is ${c.nActions} but the action set lists ${c.mdp.actions.length} actions`);
  }
  try {
    createActionResolver(c.mdp.actions); // a rule action: a known stateless rule with every option
  } catch (e) {
    throw new Error(`policy file ${source}: mdp.${(e as Error).message}`);
  }
  const n = c.nStates * c.nActions;
  if (c.qTable.length !== n) {
    throw new Error(
      `policy file ${source}: Q-table has ${c.qTable.length} entries, expected ${c.nStates} states × ${c.nActions} actions = ${n} (action set and table size do not match)`,
    );
  }
  if (c.visits.length !== n) {
    throw new Error(`policy file ${source}: visit counts have ${c.visits.length} entries, expected ${n}`);
  }
}

/** Parses and verifies a policy file's text; `source` names it in errors. */
export function parsePolicyFile(text: string, source = "(text)"): LoadedPolicy {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`policy file ${source} is truncated or not valid JSON (${(e as Error).message})`);
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new Error(`policy file ${source} is not a JSON object`);
  }
  const obj = raw as Record<string, unknown>;
  if (obj.kind !== POLICY_FILE_KIND) {
    throw new Error(`policy file ${source}: kind is ${JSON.stringify(obj.kind)}, expected "${POLICY_FILE_KIND}"`);
  }
  if (obj.schemaVersion !== POLICY_SCHEMA_VERSION) {
    throw new Error(
      `policy file ${source}: schema version ${JSON.stringify(obj.schemaVersion)} is not supported (this build reads version ${POLICY_SCHEMA_VERSION}); retrain or convert it`,
    );
  }
  if (typeof obj.checksum !== "string" || !/^sha256:[0-9a-f]{64}$/.test(obj.checksum)) {
    throw new Error(`policy file ${source}: checksum missing or malformed (expected "sha256:<64 hex>")`);
  }
  const { checksum, ...rest } = obj;
  const parsed = PolicyContentSchema.safeParse(rest);
  if (!parsed.success) throw new Error(`policy file ${source} is malformed: ${formatIssues(parsed.error)}`);
  const content = parsed.data;
  validateConsistency(content, source);
  const actual = checksumOf(content);
  if (actual !== checksum) {
    throw new Error(`policy file ${source}: checksum mismatch (file says ${checksum}, content hashes to ${actual}); the file is corrupt or was edited`);
  }
  return {
    name: content.name,
    mdp: content.mdp,
    table: new QTable(content.nStates, content.nActions, Float64Array.from(content.qTable), Uint32Array.from(content.visits)),
    training: content.training,
    trainingCurve: content.trainingCurve,
    checksum,
  };
}

export function loadPolicyFile(path: string): LoadedPolicy {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new Error(`cannot read policy file ${path}: ${(e as Error).message}`);
  }
  return parsePolicyFile(text, path);
}
