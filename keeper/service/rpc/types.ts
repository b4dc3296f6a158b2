/**
 * The keeper's view of the chain, as narrow interfaces so the job, the reconciler and the tests
 * do not depend on ethers or on the contracts' exact ABI. `ethersChain.ts` implements them over
 * the deployed contracts; tests use in-memory fakes.
 */

import type { HookCall, HookLimits } from "../../core/hookPlanner";

/** The planner's types (keeper/core/hookPlanner.ts), re-exported where the chain code has always found them. */
export type { HookCall, HookLimits };

/** The curve and ledger fields `marketState()` returns and a snapshot keeps as they are (WAD bigints). */
export interface MarketCurveFields {
  readonly baseReserve: bigint;
  readonly quoteReserve: bigint;
  readonly peg: bigint;
  readonly sqrtK: bigint;
  readonly mark: bigint;
  readonly markTwap: bigint;
  readonly oracleTwap: bigint;
  readonly longOI: bigint;
  readonly shortOI: bigint;
  readonly budget: bigint;
  readonly reservedShare: bigint;
}

/** One consistent read of a market at one block (WAD bigints as on-chain). */
export interface MarketSnapshot extends MarketCurveFields {
  readonly blockNumber: number;
  readonly blockTimestamp: number;
  /** Oracle answer scaled to WAD, and when it was updated (seconds). */
  readonly oracle: bigint;
  readonly oracleUpdatedAt: number;
  /** Timestamp of the last repeg / k update, 0 when none (if the market exposes it). */
  readonly lastHookTimestamp: number;
  readonly paused: boolean;
  readonly limits: HookLimits;
  /**
   * What the rolling daily cost cap still allows a hook to spend at this block's time (WAD,
   * window roll included), when the market exposes its window; undefined means "not known".
   */
  readonly dailyCapHeadroom?: bigint;
  /**
   * Issue-13 rate limits as a hook at this block's time would see them (SPEC §6, windows rolled),
   * when the market exposes them; undefined means "not known" (no fit). The next block's time can
   * only roll a window, which frees room, so these are conservative.
   * - moveCapRoom: maxPegChangeBps − (prevMoveBps + curMoveBps) over the two `hookWindowSeconds`
   *   windows: the bps of repeg move / k-increase transfer still allowed.
   * - kDecreaseRoom: maxDailyKDecreaseBps − (prev + cur) k-decrease bps over the two day windows.
   */
  readonly moveCapRoom?: { readonly roomBps: number; readonly usedBps: number; readonly capBps: number; readonly windowSeconds: number };
  readonly kDecreaseRoom?: { readonly roomBps: number; readonly usedBps: number; readonly capBps: number };
  /**
   * The repeg's reference mark as a hook at this block's time would read it (the mark TWAP folded
   * with the spot mark, SPEC §6), when the market exposes its TWAP; undefined: plan on the spot mark.
   */
  readonly referenceMark?: bigint;
  /** Base fee of the snapshot's block, when the chain has EIP-1559 (lets the fee quote skip a block read). */
  readonly baseFeePerGas?: bigint;
  /** The hooks' oracle age limit (s, maxOracleAgeHooks), when the market exposes it: the health check's stale test. */
  readonly oracleMaxAgeSec?: number;
  /** Block of the last hook and the cooldown in blocks, when exposed (status, health). */
  readonly lastHookBlock?: number;
  readonly hookCooldownBlocks?: number;
}

export interface HookPreview {
  /** Signed cost (WAD): > 0 the protocol pays, < 0 revenue. */
  readonly cost: bigint;
  readonly newMark: bigint;
}

/** Reads and previews one market. Errors thrown are classified by ErrorClassifier. */
export interface MarketGateway {
  read(): Promise<MarketSnapshot>;
  /** The on-chain preview view for the call (throws the guard's custom error when it would refuse). */
  preview(call: HookCall): Promise<HookPreview>;
  /** eth_call of the hook from the keeper's address, then its gas estimate; throws on revert. */
  simulate(call: HookCall): Promise<bigint>;
  /** Calldata of the hook call, for the sender. */
  encode(call: HookCall): { to: string; data: string };
  /** Whether `account` holds KEEPER_ROLE on the market (start-up and periodic role checks); absent in fakes that do not model roles. */
  hasKeeperRole?(account: string): Promise<boolean>;
}

export interface FeeQuote {
  /** Base fee of the latest block (0 on chains without EIP-1559). */
  readonly baseFeePerGas: bigint;
  readonly maxFeePerGas: bigint;
  readonly maxPriorityFeePerGas: bigint;
}

export interface TxRequest {
  readonly to: string;
  readonly data: string;
  readonly gasLimit: bigint;
  readonly maxFeePerGas: bigint;
  readonly maxPriorityFeePerGas: bigint;
}

export interface ReceiptInfo {
  readonly status: 0 | 1;
  readonly gasUsed: bigint;
  readonly effectiveGasPrice: bigint;
  readonly blockNumber: number;
  /** Realised hook cost from PegUpdated / KUpdated, when the receipt has one. */
  readonly hookCost?: bigint;
}

/** What the reconciler needs to learn the fate of a transaction sent before a restart. */
export interface ChainReader {
  getReceipt(txHash: string): Promise<ReceiptInfo | null>;
  /** True when the node still knows the transaction (in its mempool or mined). */
  isKnown(txHash: string): Promise<boolean>;
  /** Number of transactions of `address` mined so far (the next unconsumed nonce). */
  getMinedNonce(address: string): Promise<number>;
  /**
   * Fees for the next block. `at` (the snapshot's block and base fee) lets the reader skip its own
   * block read and reuse the priority fee it already fetched for that block.
   */
  feeQuote(at?: { readonly blockNumber: number; readonly baseFeePerGas?: bigint }): Promise<FeeQuote>;
}

/** Signs and broadcasts the keeper's transactions; one per key, shared by all market jobs. */
export interface TxSender extends ChainReader {
  readonly address: string;
  /**
   * Signs `req` with the next nonce, calls `onSigned(hash, nonce)` (the journal write), waits for
   * it, and only then broadcasts; when onSigned throws nothing is broadcast. Serialised across
   * jobs so nonces never collide.
   */
  send(req: TxRequest, onSigned: (txHash: string, nonce: number) => void | Promise<void>): Promise<{ hash: string; nonce: number }>;
  /** Waits for the receipt up to `timeoutMs`; null on timeout (the row stays `sent`). */
  waitForReceipt(txHash: string, timeoutMs: number): Promise<ReceiptInfo | null>;
}
