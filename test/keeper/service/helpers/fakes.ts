import { Interface, id as keccakText, makeError } from "ethers";
import type { Decision, MarketObservation, Policy, Action } from "../../../../keeper/core/policyTypes";
import type {
  FeeQuote,
  HookCall,
  HookPreview,
  MarketGateway,
  MarketSnapshot,
  ReceiptInfo,
  TxRequest,
  TxSender,
} from "../../../../keeper/service/rpc/types";
import { ErrorClassifier } from "../../../../keeper/service/errors/classifyError";
import type { MarketJobSettings } from "../../../../keeper/service/marketJob";
import { jobSettings } from "../../../../keeper/service/config/jobSettings";

export const WAD = 10n ** 18n;
export const KEEPER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

/** Custom errors as declared in contracts/interfaces (plus OpenZeppelin's), for the fakes. */
export const TEST_ERRORS = new Interface([
  "error Vamm_HookCooldown(uint256 lastHookBlock, uint256 blockNumber)",
  "error Vamm_FluctuationLimitExceeded(uint256 moveBps, uint256 limitBps)",
  "error Oracle_StaleAnswer(uint256 updatedAt, uint256 maxAge)",
  "error Vamm_DailyCostCapExceeded(uint256 spent, uint256 cost, uint256 cap)",
  "error Vamm_OracleTwapDivergence(uint256 divergenceBps, uint256 maxBps)",
  "error Vamm_PegChangeTooLarge(uint256 bps, uint256 max)",
  "error Vamm_CostExceedsBudget(int256 cost, uint256 budget)",
  "error Vamm_Paused()",
  "error AccessControlUnauthorizedAccount(address account, bytes32 neededRole)",
  "error EnforcedPause()",
  "error CH_Paused()",
]);

export function revertError(name: string, args: unknown[] = []): Error {
  const data = TEST_ERRORS.encodeErrorResult(name, args);
  return makeError("execution reverted (unknown custom error)", "CALL_EXCEPTION", { action: "call", data, reason: null, transaction: { to: null, data: "0x" }, invocation: null, revert: null });
}

export function testClassifier(): ErrorClassifier {
  return new ErrorClassifier([TEST_ERRORS.fragments as never]);
}

export function snapshot(over: Partial<MarketSnapshot> = {}): MarketSnapshot {
  // x = y = 1000 base, peg 100 → mark 100; oracle 101.
  return {
    blockNumber: 10,
    blockTimestamp: 1_700_000_000,
    baseReserve: 1000n * WAD,
    quoteReserve: 1000n * WAD,
    peg: 100n * WAD,
    sqrtK: 1000n * WAD,
    mark: 100n * WAD,
    markTwap: 100n * WAD,
    oracleTwap: 101n * WAD,
    longOI: 30n * WAD,
    shortOI: 10n * WAD,
    budget: 1_000n * WAD,
    reservedShare: 500n * WAD,
    oracle: 101n * WAD,
    oracleUpdatedAt: 1_700_000_000,
    lastHookTimestamp: 0,
    paused: false,
    limits: { maxPegChangeBps: 100, maxKIncreaseBps: 100, maxKDecreaseBps: 220 },
    ...over,
  };
}

/** A policy that plays a fixed list of actions (the last repeats). */
export class ScriptedPolicy implements Policy {
  readonly name = "scripted";
  readonly seen: MarketObservation[] = [];
  private i = 0;
  constructor(private readonly actions: readonly Action[], private readonly expectedGain?: number) {}
  decide(obs: MarketObservation): Decision {
    this.seen.push(obs);
    const action = this.actions[Math.min(this.i, this.actions.length - 1)];
    this.i += 1;
    return { action, actionIndex: this.i - 1, stateIndex: 3, qValues: [0, 1.5, -2], ...(this.expectedGain !== undefined ? { expectedGain: this.expectedGain } : {}) };
  }
}

export class FakeGateway implements MarketGateway {
  snap: MarketSnapshot = snapshot();
  previewResult: HookPreview = { cost: 5n * WAD, newMark: 101n * WAD };
  previewError?: Error;
  simulateError?: Error;
  readError?: Error;
  gasEstimate = 80_000n;
  reads = 0;
  previews: HookCall[] = [];
  /** When set, read() waits this long (slow RPC). */
  readDelayMs = 0;

  async read(): Promise<MarketSnapshot> {
    this.reads += 1;
    if (this.readDelayMs) await new Promise((r) => setTimeout(r, this.readDelayMs));
    if (this.readError) throw this.readError;
    return this.snap;
  }
  async preview(call: HookCall): Promise<HookPreview> {
    this.previews.push(call);
    if (this.previewError) throw this.previewError;
    return this.previewResult;
  }
  async simulate(): Promise<bigint> {
    if (this.simulateError) throw this.simulateError;
    return this.gasEstimate;
  }
  encode(call: HookCall): { to: string; data: string } {
    return { to: "0x0000000000000000000000000000000000000Bb1", data: `0x${call.kind === "repeg" ? "01" : "02"}${call.target.toString(16).padStart(64, "0")}` };
  }
}

interface FakeTx {
  readonly hash: string;
  readonly nonce: number;
  readonly req: TxRequest;
  mined?: ReceiptInfo;
  inMempool: boolean;
}

/**
 * An in-memory chain for the keeper's sender / reader: transactions are "mined" by the test
 * (`mine`), dropped (`drop`), or left pending; a nonce is consumed when any tx with it is mined.
 */
export class FakeChain implements TxSender {
  readonly address = KEEPER;
  readonly txs = new Map<string, FakeTx>();
  minedNonce = 0;
  /** What waitForReceipt does: mine the tx at once, or time out (leave it pending). */
  autoMine: "success" | "revert" | "never" = "success";
  fee: FeeQuote = { baseFeePerGas: 1_000_000_000n, maxFeePerGas: 3_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n };
  sendError?: Error;
  hookCost = 5n * WAD;
  /** send() calls that signed a transaction (a re-signed identical one counts again). */
  broadcasts = 0;

  async getReceipt(txHash: string): Promise<ReceiptInfo | null> {
    return this.txs.get(txHash)?.mined ?? null;
  }
  async isKnown(txHash: string): Promise<boolean> {
    const t = this.txs.get(txHash);
    return !!t && (t.inMempool || !!t.mined);
  }
  async getMinedNonce(): Promise<number> {
    return this.minedNonce;
  }
  async feeQuote(): Promise<FeeQuote> {
    return this.fee;
  }
  async send(req: TxRequest, onSigned: (h: string, n: number) => void | Promise<void>): Promise<{ hash: string; nonce: number }> {
    const pendingNonces = [...this.txs.values()].filter((t) => t.inMempool).map((t) => t.nonce + 1);
    const nonce = Math.max(this.minedNonce, ...pendingNonces);
    // Like a signature: the same nonce, call and fees give the same transaction, hence the same hash.
    const hash = keccakText(JSON.stringify({ nonce, ...req }, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)));
    this.broadcasts += 1;
    await onSigned(hash, nonce);
    if (this.sendError) throw this.sendError;
    this.txs.set(hash, { hash, nonce, req, inMempool: true });
    return { hash, nonce };
  }
  async waitForReceipt(txHash: string): Promise<ReceiptInfo | null> {
    if (this.autoMine === "never") return null;
    return this.mine(txHash, this.autoMine === "success" ? 1 : 0);
  }
  mine(txHash: string, status: 0 | 1 = 1): ReceiptInfo {
    const t = this.txs.get(txHash);
    if (!t) throw new Error(`unknown tx ${txHash}`);
    t.inMempool = false;
    t.mined = { status, gasUsed: 61_000n, effectiveGasPrice: 2n, blockNumber: 11, hookCost: status === 1 ? this.hookCost : undefined };
    this.minedNonce = Math.max(this.minedNonce, t.nonce + 1);
    return t.mined;
  }
  drop(txHash: string): void {
    const t = this.txs.get(txHash);
    if (t) t.inMempool = false;
  }
  sentCount(): number {
    return this.txs.size;
  }
}

export function settings(over: Partial<MarketJobSettings> = {}): MarketJobSettings {
  return jobSettings({
    intervalMs: 1_000,
    txReceiptTimeoutMs: 1_000,
    maxConsecutiveFailures: 3,
    gas: { maxGasPerTx: 500_000, maxFeePerGasGwei: 100, maxPriorityFeePerGasGwei: 2 },
    backoff: { baseMs: 100, capMs: 1_000 },
    ...over,
  });
}
