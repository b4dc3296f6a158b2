/**
 * Saves a SupervisedModel as `<name>.manifest.json` (schema version, kind, feature names,
 * standardizer, target scale, TF.js topology and weight specs, checksums) plus `<name>.weights.bin`,
 * and loads it back. Loading verifies everything before building the network, so a corrupt,
 * truncated, edited or mismatched file fails with an error naming the file and what is wrong.
 * Works with any TF.js backend (no tfjs-node file:// handler needed).
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import type * as tfTypes from "@tensorflow/tfjs";
import { getTf } from "./tfBackend";
import { MODEL_KINDS, type ModelKind } from "./modelArchitectures";
import { SupervisedModel } from "./supervisedModel";

export const MODEL_FORMAT = "damm-supervised-model";
export const MODEL_SCHEMA_VERSION = 1;

const finite = z.number().refine(Number.isFinite, { message: "must be finite" });

const manifestSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  schemaVersion: z.number().int(),
  kind: z.enum(MODEL_KINDS as [ModelKind, ...ModelKind[]]),
  featureNames: z.array(z.string()).min(1),
  standardizer: z.object({ means: z.array(finite), stds: z.array(finite.refine((v) => v > 0, { message: "must be > 0" })) }),
  target: z.union([z.object({ mean: finite, std: finite.refine((v) => v > 0, { message: "must be > 0" }) }), z.null()]),
  modelTopology: z.record(z.string(), z.unknown()),
  weightSpecs: z.array(z.object({ name: z.string(), shape: z.array(z.number().int().nonnegative()), dtype: z.string() }).loose()),
  weightsFile: z.string().min(1),
  weightsByteLength: z.number().int().nonnegative(),
  weightsSha256: z.string().regex(/^[0-9a-f]{64}$/),
  meta: z.record(z.string(), z.unknown()),
  manifestSha256: z.string().regex(/^[0-9a-f]{64}$/),
});

export type Manifest = z.infer<typeof manifestSchema>;

export interface SavedModelPaths {
  readonly manifest: string;
  readonly weights: string;
}

export async function saveModel(model: SupervisedModel, dir: string, name: string, meta: Record<string, unknown> = {}): Promise<SavedModelPaths> {
  if (!/^[\w.-]+$/.test(name)) throw new Error(`model name '${name}' must be letters, digits, '.', '_' or '-'`);
  const tf = getTf();
  let artifacts: tfTypes.io.ModelArtifacts | undefined;
  await model.network.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
  if (!artifacts?.modelTopology || !artifacts.weightSpecs || !artifacts.weightData) throw new Error(`${name}: TF.js returned no weights to save`);
  const weights = Buffer.from(joinWeightData(artifacts.weightData));
  const weightsFile = `${name}.weights.bin`;
  const body: Omit<Manifest, "manifestSha256"> = {
    format: MODEL_FORMAT,
    schemaVersion: MODEL_SCHEMA_VERSION,
    kind: model.kind,
    featureNames: [...model.featureNames],
    standardizer: { means: [...model.standardizer.means], stds: [...model.standardizer.stds] },
    target: model.target ? { ...model.target } : null,
    modelTopology: artifacts.modelTopology as Record<string, unknown>,
    weightSpecs: artifacts.weightSpecs.map((s) => ({ ...s, shape: [...s.shape] })),
    weightsFile,
    weightsByteLength: weights.length,
    weightsSha256: sha256(weights),
    meta,
  };
  const manifest: Manifest = { ...body, manifestSha256: sha256(JSON.stringify(body)) };
  fs.mkdirSync(dir, { recursive: true });
  const paths = { manifest: path.join(dir, `${name}.manifest.json`), weights: path.join(dir, weightsFile) };
  // Weights first, manifest last: a crash in between leaves no manifest pointing at stale weights.
  writeAtomic(paths.weights, weights);
  writeAtomic(paths.manifest, Buffer.from(JSON.stringify(manifest, null, 1)));
  return paths;
}

export interface LoadExpectations {
  readonly kind?: ModelKind | readonly ModelKind[];
  readonly featureNames?: readonly string[];
}

/** A manifest and its weights, every check passed (schema, checksums, sizes, expectations). */
export interface VerifiedModelFiles {
  readonly manifest: Manifest;
  readonly weights: Buffer;
}

/**
 * Reads and verifies a saved model without TF.js (synchronous): the plain-TS forward pass
 * (plainModel.ts) and `loadModel` both start here, so both refuse the same bad files.
 */
export function readVerifiedModelFiles(manifestPath: string, expect: LoadExpectations = {}): VerifiedModelFiles {
  const fail = (why: string): never => {
    throw new Error(`model ${manifestPath}: ${why}`);
  };
  let text = "";
  try {
    text = fs.readFileSync(manifestPath, "utf8");
  } catch (e) {
    fail(`cannot read manifest: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    fail(`manifest is not valid JSON (corrupt or truncated): ${(e as Error).message}`);
  }
  const version = (json as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (version !== MODEL_SCHEMA_VERSION) fail(`schema version ${String(version)} is not supported (expected ${MODEL_SCHEMA_VERSION})`);
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) fail(`manifest is malformed: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const m = parsed.data as Manifest;
  const { manifestSha256, ...body } = m;
  if (sha256(JSON.stringify(body)) !== manifestSha256) fail("manifest checksum mismatch (the manifest was edited or corrupted)");

  const n = m.featureNames.length;
  if (m.standardizer.means.length !== n || m.standardizer.stds.length !== n) fail(`standardizer length does not match ${n} features`);
  const kinds = expect.kind === undefined ? null : ([] as ModelKind[]).concat(expect.kind);
  if (kinds && !kinds.includes(m.kind)) fail(`kind is ${m.kind}, expected ${kinds.join(" or ")}`);
  if (expect.featureNames && expect.featureNames.join(",") !== m.featureNames.join(",")) {
    fail(`features [${m.featureNames.join(",")}] do not match the expected [${expect.featureNames.join(",")}]`);
  }

  if (path.basename(m.weightsFile) !== m.weightsFile) fail(`weightsFile '${m.weightsFile}' must be a plain file name`);
  const weightsPath = path.join(path.dirname(manifestPath), m.weightsFile);
  let weights: Buffer = Buffer.alloc(0);
  try {
    weights = fs.readFileSync(weightsPath);
  } catch (e) {
    fail(`cannot read weights ${weightsPath}: ${(e as Error).message}`);
  }
  if (weights.length !== m.weightsByteLength) fail(`weights file has ${weights.length} bytes, manifest says ${m.weightsByteLength} (truncated?)`);
  if (sha256(weights) !== m.weightsSha256) fail("weights checksum mismatch (corrupt weights file)");
  if (m.weightSpecs.some((w) => w.dtype !== "float32")) fail("only float32 weights are supported");
  const specBytes = m.weightSpecs.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1) * 4, 0);
  if (specBytes !== weights.length) fail(`weight specs need ${specBytes} bytes, file has ${weights.length}`);

  return { manifest: m, weights };
}

export async function loadModel(manifestPath: string, expect: LoadExpectations = {}): Promise<SupervisedModel> {
  const fail = (why: string): never => {
    throw new Error(`model ${manifestPath}: ${why}`);
  };
  const { manifest: m, weights } = readVerifiedModelFiles(manifestPath, expect);
  const n = m.featureNames.length;
  const tf = getTf();
  let network: tfTypes.LayersModel;
  try {
    const data = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.length) as ArrayBuffer;
    network = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: m.modelTopology as tfTypes.io.ModelJSON["modelTopology"], weightSpecs: m.weightSpecs as tfTypes.io.WeightsManifestEntry[], weightData: data }),
    );
  } catch (e) {
    return fail(`TF.js could not build the network: ${(e as Error).message}`);
  }
  const inputDim = (network.inputs[0].shape as Array<number | null>)[1];
  if (inputDim !== n) {
    network.dispose();
    fail(`network takes ${inputDim} inputs but the manifest lists ${n} features`);
  }
  return new SupervisedModel(m.kind, m.featureNames, m.standardizer, network, m.target);
}

function sha256(data: string | Buffer): string {
  return crypto.createHash("sha256").update(data).digest("hex");
}

function joinWeightData(w: ArrayBuffer | ArrayBuffer[]): Uint8Array {
  const parts = Array.isArray(w) ? w : [w];
  const out = new Uint8Array(parts.reduce((s, p) => s + p.byteLength, 0));
  let off = 0;
  for (const p of parts) {
    out.set(new Uint8Array(p), off);
    off += p.byteLength;
  }
  return out;
}

function writeAtomic(file: string, data: Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}
