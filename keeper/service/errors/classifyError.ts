import { Interface, type ErrorDescription, type InterfaceAbi } from "ethers";
import { type ErrorClass, NEVER_CODES, RETRY_NOW_CODES, RETRY_NOW_MESSAGE, classOfErrorName } from "./errorClasses";
import { errorMessage, findErrorCodes, findRevertData } from "./revertData";

export interface ClassifiedError {
  readonly errorClass: ErrorClass;
  /** Decoded custom error name (e.g. "Vamm_CooldownActive"), when the revert data decoded. */
  readonly name?: string;
  readonly args?: readonly string[];
  /** One line for the journal and logs: "Vamm_CooldownActive(12, 13)" or the transport message. */
  readonly reason: string;
}

/**
 * Turns any error thrown while previewing, simulating or sending into a class and a reason.
 * Custom errors are decoded with Interface.parseError over the contracts' ABIs (merged), so the
 * journal records "Vamm_PegChangeTooLarge(150, 100)" rather than "execution reverted".
 */
export class ErrorClassifier {
  readonly iface: Interface;

  constructor(abis: readonly InterfaceAbi[]) {
    this.iface = mergeErrorAbis(abis);
  }

  classify(err: unknown): ClassifiedError {
    if (err instanceof KeeperError) return { errorClass: err.errorClass, reason: err.message, name: err.name };
    const data = findRevertData(err);
    if (data) {
      const decoded = this.decode(data);
      if (decoded) {
        const args = decoded.args.map((a) => stringifyArg(a));
        return { errorClass: classOfErrorName(decoded.name), name: decoded.name, args, reason: `${decoded.name}(${args.join(", ")})` };
      }
      return { errorClass: "never", reason: `unrecognised revert data ${data.slice(0, 10)}` };
    }
    const codes = findErrorCodes(err);
    const message = errorMessage(err);
    if (codes.some((c) => NEVER_CODES.has(c))) return { errorClass: "never", reason: `${codes[0]}: ${message}` };
    if (codes.some((c) => RETRY_NOW_CODES.has(c)) || RETRY_NOW_MESSAGE.test(message)) {
      return { errorClass: "retryNow", reason: codes.length ? `${codes[0]}: ${message}` : message };
    }
    if (codes.includes("CALL_EXCEPTION")) {
      // ethers turns ANY JSON-RPC error answer to eth_call / eth_estimateGas into CALL_EXCEPTION. When
      // the node's own message is not a revert (an internal error, a rate limit), the call never ran.
      const rpc = nodeErrorMessage(err);
      if (rpc !== undefined && !/revert/i.test(rpc)) return { errorClass: "retryNow", reason: `node error during call: ${rpc}` };
      return { errorClass: "never", reason: `revert without data: ${message}` };
    }
    // Anything else thrown by our own code or the provider: treat as transient but counted,
    // so maxConsecutiveFailures eventually halts a job stuck on it.
    return { errorClass: "retryNow", reason: message };
  }

  decode(data: string): ErrorDescription | null {
    try {
      return this.iface.parseError(data);
    } catch {
      return null;
    }
  }
}

/** A keeper-side refusal with a class of its own (e.g. "fee above maxFeePerGas" → nextBlock). */
export class KeeperError extends Error {
  constructor(readonly errorClass: ErrorClass, message: string) {
    super(message);
    this.name = "KeeperError";
  }
}

/** Merge the `error` fragments of several ABIs, dropping duplicates (libraries share errors). */
export function mergeErrorAbis(abis: readonly InterfaceAbi[]): Interface {
  const seen = new Map<string, string>();
  for (const abi of abis) {
    const iface = abi instanceof Interface ? abi : new Interface(abi);
    iface.forEachError((e) => {
      const sig = e.format("sighash");
      if (!seen.has(sig)) seen.set(sig, e.format("full"));
    });
  }
  return new Interface([...seen.values()]);
}

/** The JSON-RPC error object's message ethers keeps in `info.error`, when there is one. */
function nodeErrorMessage(err: unknown): string | undefined {
  const info = (err as { info?: { error?: { message?: unknown } } } | null)?.info;
  const m = info?.error?.message;
  return typeof m === "string" ? m : undefined;
}

function stringifyArg(a: unknown): string {
  if (typeof a === "bigint") return a.toString();
  if (Array.isArray(a)) return `[${a.map(stringifyArg).join(", ")}]`;
  return String(a);
}
