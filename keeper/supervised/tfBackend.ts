/**
 * Loads TensorFlow.js once per process and says which backend is active:
 *   1. `@tensorflow/tfjs-node` (native TensorFlow) when it is installed;
 *   2. else `@tensorflow/tfjs` + `@tensorflow/tfjs-backend-wasm`, with the .wasm binaries read from
 *      the package's dist folder on disk, so it works offline;
 *   3. else, only if wasm fails to initialise, the pure-JS cpu backend, with a notice.
 * Every supervised module takes `tf` from here so there is one TF.js instance per process.
 */
import path from "node:path";
import type * as tfTypes from "@tensorflow/tfjs";

export type Tf = typeof tfTypes;

export interface TfLogger {
  info(msg: string): void;
  warn(msg: string): void;
}

export interface TfRuntime {
  readonly tf: Tf;
  /** "tensorflow" (tfjs-node), "wasm" or "cpu". */
  readonly backend: string;
  readonly package: "@tensorflow/tfjs-node" | "@tensorflow/tfjs";
}

const consoleLogger: TfLogger = {
  info: (m) => console.log(`[supervised] ${m}`),
  warn: (m) => console.warn(`[supervised] ${m}`),
};

let runtime: Promise<TfRuntime> | null = null;
let ready: TfRuntime | null = null;

/** Idempotent; the first caller's logger is used. */
export function initTf(log: TfLogger = consoleLogger): Promise<TfRuntime> {
  runtime ??= load(log).then((r) => {
    ready = r;
    log.info(`TensorFlow.js backend: ${r.backend} (${r.package})`);
    return r;
  });
  return runtime;
}

/** The loaded TF.js module; initTf() must have completed. */
export function getTf(): Tf {
  if (!ready) throw new Error("TensorFlow.js is not initialised: await initTf() first");
  return ready.tf;
}

export function activeBackend(): string | null {
  return ready?.backend ?? null;
}

async function load(log: TfLogger): Promise<TfRuntime> {
  const node = tryRequire<Tf>("@tensorflow/tfjs-node", log);
  if (node) {
    await node.ready();
    return { tf: node, backend: node.getBackend(), package: "@tensorflow/tfjs-node" };
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tf = require("@tensorflow/tfjs") as Tf;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const wasm = require("@tensorflow/tfjs-backend-wasm") as typeof import("@tensorflow/tfjs-backend-wasm");
    wasm.setWasmPaths(wasmDistDir());
    if (await tf.setBackend("wasm")) {
      await tf.ready();
      return { tf, backend: tf.getBackend(), package: "@tensorflow/tfjs" };
    }
    log.warn("wasm backend failed to initialise; falling back to the cpu backend (slower)");
  } catch (e) {
    log.warn(`wasm backend unavailable (${(e as Error).message}); falling back to the cpu backend (slower)`);
  }
  if (!(await tf.setBackend("cpu"))) throw new Error("TensorFlow.js: neither the wasm nor the cpu backend could be initialised");
  await tf.ready();
  return { tf, backend: tf.getBackend(), package: "@tensorflow/tfjs" };
}

/** The folder holding tfjs-backend-wasm*.wasm, with a trailing separator as setWasmPaths expects. */
function wasmDistDir(): string {
  const main = require.resolve("@tensorflow/tfjs-backend-wasm");
  let dir = path.dirname(main);
  while (path.basename(dir) !== "dist" && path.dirname(dir) !== dir) dir = path.dirname(dir);
  if (path.basename(dir) !== "dist") throw new Error(`cannot find the dist folder of @tensorflow/tfjs-backend-wasm from ${main}`);
  return dir + path.sep;
}

function tryRequire<T>(name: string, log: TfLogger): T | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(name) as T;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const notInstalled = err.code === "MODULE_NOT_FOUND" && err.message.includes(`'${name}'`);
    // A present but broken native install is worth a warning; an absent one is the normal case.
    if (!notInstalled) log.warn(`${name} is installed but failed to load (${err.message.split("\n")[0]}); trying wasm`);
    return null;
  }
}
