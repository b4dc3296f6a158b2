import { Interface, id as keccakId, type ErrorDescription, type InterfaceAbi, ZeroHash } from "ethers";
import {
  type ErrorClass,
  MISCONFIGURATION_ERRORS,
  NEVER_CODES,
  PAUSE_ERRORS,
  RETRY_NOW_CODES,
  RETRY_NOW_MESSAGE,
  WRONG_CHAIN_MESSAGE,
  classOfErrorName,
} from "./errorClasses";
import { errorMessage, findErrorCodes, findRevertData } from "./revertData";

export interface ClassifiedError {
  readonly errorClass: ErrorClass;
  /** Decoded custom error name (e.g. "Vamm_CooldownActive"), when the revert data decoded. */
  readonly name?: string;
  readonly args?: readonly string[];
  /** One line for the journal and logs: "Vamm_CooldownActive(12, 13)" or the transport message. */
  readonly reason: string;
  /**
   * Set when the error says the keeper itself is misconfigured (its address lacks the role, wrong
   * chain, unknown contract / ABI mismatch): why, in words an operator can act on. Halts the job.
   */
  readonly misconfigured?: string;
  /** The market or the protocol is paused: skip, and back off until it is lifted. */
  readonly paused?: boolean;
}

/** What the classifier needs to know about the keeper to tell "our role is missing" from other refusals. */
export interface ClassifyContext {
  readonly keeperAddress?: string;
}

/** Role ids (keccak256 of the name, OpenZeppelin AccessControl) → names, for halt messages. */
export const KNOWN_ROLES: ReadonlyMap<string, string> = new Map([
  [ZeroHash, "DEFAULT_ADMIN_ROLE"],
  ...["KEEPER_ROLE", "GUARDIAN_ROLE", "PARAM_ADMIN_ROLE"].map((n): [string, string] => [keccakId(n), n]),
]);

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

  classify(err: unknown, ctx: ClassifyContext = {}): ClassifiedError {
    if (err instanceof KeeperError) return { errorClass: err.errorClass, reason: err.message, name: err.name, ...(err.misconfigured ? { misconfigured: err.message } : {}) };
    const data = findRevertData(err);
    if (data) {
      const decoded = this.decode(data);
      if (decoded) {
        const args = decoded.args.map((a) => stringifyArg(a));
        const base = { errorClass: classOfErrorName(decoded.name), name: decoded.name, args, reason: `${decoded.name}(${args.join(", ")})` };
        const misconfigured = misconfiguration(decoded.name, args, base.reason, ctx);
        return { ...base, ...(misconfigured ? { misconfigured } : {}), ...(PAUSE_ERRORS.has(decoded.name) ? { paused: true } : {}) };
      }
      const reason = `unrecognised revert data ${data.slice(0, 10)}`;
      return { errorClass: "never", reason, misconfigured: `${reason}: the contract is not what this keeper's ABIs describe (unknown contract / ABI mismatch)` };
    }
    const codes = findErrorCodes(err);
    const message = errorMessage(err);
    const coded = codes.length ? `${codes[0]}: ${message}` : message;
    const nodeMessage = nodeErrorMessage(err) ?? "";
    if (WRONG_CHAIN_MESSAGE.test(message) || WRONG_CHAIN_MESSAGE.test(nodeMessage)) {
      return { errorClass: "never", reason: coded, misconfigured: `wrong chain: ${coded}` };
    }
    if (codes.includes("BAD_DATA")) {
      // ethers could not decode a call's answer: typically "0x" from an address without the function.
      return { errorClass: "never", reason: coded, misconfigured: `${coded} (unknown contract / ABI mismatch)` };
    }
    if (codes.some((c) => NEVER_CODES.has(c))) return { errorClass: "never", reason: coded };
    if (codes.some((c) => RETRY_NOW_CODES.has(c)) || RETRY_NOW_MESSAGE.test(message)) return { errorClass: "retryNow", reason: coded };
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
  /** `misconfigured`: the keeper's own set-up is wrong (halts at once). */
  constructor(readonly errorClass: ErrorClass, message: string, readonly misconfigured = false) {
    super(message);
    this.name = "KeeperError";
  }
}

/**
 * Why a decoded custom error means the keeper is misconfigured, or undefined. A missing role is the
 * keeper's problem only when the refused account is the keeper's own (or the keeper has no address).
 */
function misconfiguration(name: string, args: readonly string[], reason: string, ctx: ClassifyContext): string | undefined {
  if (name === "AccessControlUnauthorizedAccount") {
    const [account, role] = args;
    const ours = ctx.keeperAddress === undefined || account?.toLowerCase() === ctx.keeperAddress.toLowerCase();
    if (!ours) return undefined;
    const roleName = KNOWN_ROLES.get((role ?? "").toLowerCase()) ?? "an unknown role";
    return `keeper ${account} lacks ${roleName} (${role}) on the market: grant it to the keeper or fix DAMM_KEEPER_KEY (${reason})`;
  }
  if (MISCONFIGURATION_ERRORS.has(name)) return `${reason}: the configured market and ClearingHouse do not belong together`;
  return undefined;
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
