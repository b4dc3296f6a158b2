import { type AbstractProvider, Contract, type FunctionFragment, type Interface, JsonRpcApiProvider, getBigInt, hexlify, toQuantity } from "ethers";
import type { IVammMarket } from "../../../typechain-types/contracts/interfaces/IVammMarket";
import { IVammMarket__factory } from "../../../typechain-types/factories/contracts/interfaces/IVammMarket__factory";
import { DAY_SECONDS, rolledWindow, windowIndexAt } from "../../core/math/HookGuards";
import { spendRoom } from "../../core/math/wad/HookGuards";
import { update as updateTwap } from "../../core/math/wad/TwapWad";
import type { MarketConfig } from "../config/schema";
import type { HookCall, HookPreview, MarketCurveFields, MarketGateway, MarketSnapshot } from "./types";

/**
 * One VammMarket over ethers (TypeChain-typed IVammMarket): a tick reads marketState() and
 * oracleLatest() pinned to one block so the snapshot is consistent; hooks are previewed with
 * previewRepeg / previewUpdateK and simulated with eth_call from the keeper's address, with the ABI
 * fragments resolved once (not the Contract proxy per call).
 *
 * Over a JSON-RPC provider (the keeper's) the requests go out through `send` as the exact payloads
 * ethers would build, skipping its request copying, address checksumming (a keccak each) and block
 * formatting: that garbage, not the work, is what lands as GC pauses in the decision's window.
 * Errors are unchanged: JsonRpcApiProvider.send maps a node's error answer with the same
 * getRpcError (CALL_EXCEPTION with the revert data) that provider.call / estimateGas throw.
 */
export class EthersMarketGateway implements MarketGateway {
  private readonly address: string;
  private readonly iface: Interface;
  // Calldata of the argument-less reads and the fragments, encoded once rather than per tick.
  private readonly fn;
  private readonly stateData: string;
  private readonly oracleData: string;
  /** The raw JSON-RPC path, when the provider has one (else ethers' call / estimateGas / getBlock). */
  private readonly rpc?: JsonRpcApiProvider;

  private constructor(
    private readonly provider: AbstractProvider,
    market: IVammMarket,
    private readonly from: string | undefined,
  ) {
    this.address = market.target as string;
    this.iface = market.interface as unknown as Interface;
    const f = (name: string): FunctionFragment => this.iface.getFunction(name) as FunctionFragment;
    this.fn = { marketState: f("marketState"), oracleLatest: f("oracleLatest"), previewRepeg: f("previewRepeg"), previewUpdateK: f("previewUpdateK"), repeg: f("repeg"), updateK: f("updateK") };
    this.stateData = this.iface.encodeFunctionData(this.fn.marketState);
    this.oracleData = this.iface.encodeFunctionData(this.fn.oracleLatest);
    if (provider instanceof JsonRpcApiProvider) this.rpc = provider;
  }

  /** The latest block's number, timestamp and base fee. */
  private async latestBlock(): Promise<{ number: number; timestamp: number; baseFeePerGas: bigint | null }> {
    if (!this.rpc) {
      const block = await this.provider.getBlock("latest");
      if (!block) throw new Error("latest block unavailable");
      return block;
    }
    const b = (await this.rpc.send("eth_getBlockByNumber", ["latest", false])) as { number: string; timestamp: string; baseFeePerGas?: string | null } | null;
    if (!b) throw new Error("latest block unavailable");
    return { number: Number(getBigInt(b.number, "block.number")), timestamp: Number(getBigInt(b.timestamp, "block.timestamp")), baseFeePerGas: b.baseFeePerGas == null ? null : getBigInt(b.baseFeePerGas, "block.baseFeePerGas") };
  }

  /** eth_call of `tx` at `blockTag` (default latest): the result bytes. */
  private async ethCall(tx: { to: string; data: string; from?: string }, blockTag?: number): Promise<string> {
    if (!this.rpc) return this.provider.call(blockTag === undefined ? tx : { ...tx, blockTag });
    return hexlify((await this.rpc.send("eth_call", [rpcTx(tx), blockTag === undefined ? "latest" : toQuantity(blockTag)])) as string);
  }

  /**
   * Calldata of a one-uint256 function (the hooks and their previews): selector + the argument as
   * one 32-byte word, exactly what ethers encodes, without its coder machinery on every tick. Out
   * of range values go through ethers, which throws its usual error. The last hook encoding is
   * kept: simulate and the send encode the same call.
   */
  private uint256Call(fn: FunctionFragment, target: bigint): string {
    if (target < 0n || target > MAX_UINT256) return this.iface.encodeFunctionData(fn, [target]);
    let sel = this.selectors.get(fn);
    if (sel === undefined) this.selectors.set(fn, (sel = fn.selector)); // ethers hashes the signature on every read
    return sel + target.toString(16).padStart(64, "0");
  }

  private readonly selectors = new Map<FunctionFragment, string>();
  private lastEncoded?: { readonly kind: HookCall["kind"]; readonly target: bigint; readonly data: string };

  /** Checks the address holds a market wired to the configured ClearingHouse (fail fast). */
  static async connect(provider: AbstractProvider, m: MarketConfig, from: string | undefined): Promise<EthersMarketGateway> {
    const where = `markets[${m.name}]`;
    if ((await provider.getCode(m.vamm)) === "0x") throw new Error(`${where}.vamm: no contract at ${m.vamm}`);
    if ((await provider.getCode(m.clearingHouse)) === "0x") throw new Error(`${where}.clearingHouse: no contract at ${m.clearingHouse}`);
    const market = IVammMarket__factory.connect(m.vamm, provider);
    let ch: string;
    try {
      ch = await market.clearingHouse();
    } catch (e) {
      throw new Error(`${where}.vamm: ${m.vamm} does not answer clearingHouse(); is it a VammMarket? (${(e as Error).message})`);
    }
    if (ch.toLowerCase() !== m.clearingHouse.toLowerCase()) {
      throw new Error(`${where}.clearingHouse: the market at ${m.vamm} belongs to ${ch}, not ${m.clearingHouse}`);
    }
    return new EthersMarketGateway(provider, market, from);
  }

  async read(): Promise<MarketSnapshot> {
    const block = await this.latestBlock();
    const [stateRaw, oracleRaw] = await Promise.all([
      this.ethCall({ to: this.address, data: this.stateData }, block.number),
      this.ethCall({ to: this.address, data: this.oracleData }, block.number),
    ]);
    const s = this.iface.decodeFunctionResult(this.fn.marketState, stateRaw)[0] as Awaited<ReturnType<IVammMarket["marketState"]>>;
    const oracle = this.iface.decodeFunctionResult(this.fn.oracleLatest, oracleRaw) as unknown as Awaited<ReturnType<IVammMarket["oracleLatest"]>>;
    return snapshotFromMarketState(s, { priceWad: oracle.priceWad, updatedAt: oracle.updatedAt }, block);
  }

  /** AccessControl's view, outside the hot path (IVammMarket does not declare the role functions). */
  async hasKeeperRole(account: string): Promise<boolean> {
    const roles = new Contract(this.address, ROLE_ABI, this.provider);
    return (await roles.getFunction("hasRole")(await roles.getFunction("KEEPER_ROLE")(), account)) as boolean;
  }

  async preview(call: HookCall): Promise<HookPreview> {
    const fn = call.kind === "repeg" ? this.fn.previewRepeg : this.fn.previewUpdateK;
    const raw = await this.ethCall({ to: this.address, data: this.uint256Call(fn, call.target) });
    const [cost, newMark] = this.iface.decodeFunctionResult(fn, raw) as unknown as [bigint, bigint];
    return { cost, newMark };
  }

  /**
   * eth_call and eth_estimateGas of the same call, issued together (one round, one batch). The
   * eth_call is the simulation: when it reverts, its error (the guard's custom error, decoded by
   * the classifier) is the one thrown, whatever the estimate did.
   */
  async simulate(call: HookCall): Promise<bigint> {
    const tx = this.from === undefined ? this.encode(call) : { ...this.encode(call), from: this.from };
    const [sim, gas] = await Promise.allSettled([this.ethCall(tx), this.estimateGas(tx)]);
    if (sim.status === "rejected") throw sim.reason;
    if (gas.status === "rejected") throw gas.reason;
    return gas.value;
  }

  private async estimateGas(tx: { to: string; data: string; from?: string }): Promise<bigint> {
    if (!this.rpc) return this.provider.estimateGas(tx);
    return getBigInt((await this.rpc.send("eth_estimateGas", [rpcTx(tx)])) as string, "%response");
  }

  encode(call: HookCall): { to: string; data: string } {
    const last = this.lastEncoded;
    if (last && last.kind === call.kind && last.target === call.target) return { to: this.address, data: last.data };
    const data = this.uint256Call(call.kind === "repeg" ? this.fn.repeg : this.fn.updateK, call.target);
    this.lastEncoded = { kind: call.kind, target: call.target, data };
    return { to: this.address, data };
  }
}

/** The JSON-RPC transaction ethers' getRpcTransaction builds for these fields (addresses and data as lower-case hex). */
function rpcTx(tx: { to: string; data: string; from?: string }): { to: string; data: string; from?: string } {
  return tx.from === undefined ? { to: tx.to.toLowerCase(), data: hexlify(tx.data) } : { from: tx.from.toLowerCase(), to: tx.to.toLowerCase(), data: hexlify(tx.data) };
}

/** The fields of `marketState()` the snapshot reads (the typechain struct has them all). */
export interface ChainMarketState extends MarketCurveFields {
  readonly markTwapTimestamp: bigint;
  readonly lastHookTimestamp: bigint;
  readonly lastHookBlock: bigint;
  readonly paused: boolean;
  readonly globalPaused: boolean;
  readonly windowIndex: bigint;
  readonly prevSpent: bigint;
  readonly curSpent: bigint;
  readonly budgetAtWindowStart: bigint;
  readonly moveWindowIndex: bigint;
  readonly prevMoveBps: bigint;
  readonly curMoveBps: bigint;
  readonly prevKDecreaseBps: bigint;
  readonly curKDecreaseBps: bigint;
  readonly params: {
    readonly maxPegChangeBps: bigint;
    readonly maxKIncreaseBps: bigint;
    readonly maxKDecreaseBps: bigint;
    readonly dailyCostCapBps: bigint;
    readonly maxDailyKDecreaseBps: bigint;
    readonly hookWindowSeconds: bigint;
    readonly maxOracleAgeHooks: bigint;
    readonly hookCooldownBlocks: bigint;
    readonly twapWindow: bigint;
  };
}

/** One block's snapshot from the market's state and oracle reads (the rooms rolled to the block's time). */
export function snapshotFromMarketState(
  s: ChainMarketState,
  oracle: { readonly priceWad: bigint; readonly updatedAt: bigint },
  block: { readonly number: number; readonly timestamp: number; readonly baseFeePerGas: bigint | null },
): MarketSnapshot {
  return {
    blockNumber: block.number,
    blockTimestamp: block.timestamp,
    baseReserve: s.baseReserve,
    quoteReserve: s.quoteReserve,
    peg: s.peg,
    sqrtK: s.sqrtK,
    mark: s.mark,
    markTwap: s.markTwap,
    oracleTwap: s.oracleTwap,
    longOI: s.longOI,
    shortOI: s.shortOI,
    budget: s.budget,
    reservedShare: s.reservedShare,
    oracle: oracle.priceWad,
    oracleUpdatedAt: Number(oracle.updatedAt),
    lastHookTimestamp: Number(s.lastHookTimestamp),
    paused: s.paused || s.globalPaused,
    limits: {
      maxPegChangeBps: Number(s.params.maxPegChangeBps),
      maxKIncreaseBps: Number(s.params.maxKIncreaseBps),
      maxKDecreaseBps: Number(s.params.maxKDecreaseBps),
    },
    dailyCapHeadroom: dailyCapHeadroom(s, block.timestamp),
    moveCapRoom: moveCapRoom(s, block.timestamp),
    kDecreaseRoom: kDecreaseRoom(s, block.timestamp),
    referenceMark: updateTwap(s.markTwap, s.markTwapTimestamp, s.mark, BigInt(block.timestamp), s.params.twapWindow),
    oracleMaxAgeSec: Number(s.params.maxOracleAgeHooks),
    lastHookBlock: Number(s.lastHookBlock),
    hookCooldownBlocks: Number(s.params.hookCooldownBlocks),
    ...(block.baseFeePerGas !== null ? { baseFeePerGas: block.baseFeePerGas } : {}),
  };
}

const ROLE_ABI = ["function KEEPER_ROLE() view returns (bytes32)", "function hasRole(bytes32 role, address account) view returns (bool)"];
const MAX_UINT256 = (1n << 256n) - 1n;

/**
 * The daily cap's headroom as the hook would see it at `timestamp` (SPEC §6): a new window takes
 * the budget as its base and carries the previous window's spend only when consecutive.
 */
export function dailyCapHeadroom(
  s: { windowIndex: bigint; prevSpent: bigint; curSpent: bigint; budgetAtWindowStart: bigint; budget: bigint; params: { dailyCostCapBps: bigint } },
  timestamp: number,
): bigint {
  const w = rolledWindow(Number(s.windowIndex), s.prevSpent, s.curSpent, windowIndexAt(timestamp, DAY_SECONDS), 0n);
  return spendRoom(w, w.rolled ? s.budget : s.budgetAtWindowStart, s.params.dailyCostCapBps);
}

/** Used bps of a pair of tumbling windows at `idx` (HookGuards.rolledWindow): prev + cur after the roll. */
function rolledUsed(storedIndex: bigint, prev: bigint, cur: bigint, idx: number): bigint {
  const w = rolledWindow(Number(storedIndex), prev, cur, idx, 0n);
  return w.prev + w.cur;
}

/** The move cap's room as a hook at `timestamp` would see it (SPEC §6, windows of hookWindowSeconds). */
export function moveCapRoom(
  s: { moveWindowIndex: bigint; prevMoveBps: bigint; curMoveBps: bigint; params: { maxPegChangeBps: bigint; hookWindowSeconds: bigint } },
  timestamp: number,
): { roomBps: number; usedBps: number; capBps: number; windowSeconds: number } {
  const used = rolledUsed(s.moveWindowIndex, s.prevMoveBps, s.curMoveBps, windowIndexAt(timestamp, Number(s.params.hookWindowSeconds)));
  const cap = s.params.maxPegChangeBps;
  return { roomBps: Number(cap > used ? cap - used : 0n), usedBps: Number(used), capBps: Number(cap), windowSeconds: Number(s.params.hookWindowSeconds) };
}

/** The k-decrease cap's room at `timestamp` (SPEC §6, the cost cap's day windows). */
export function kDecreaseRoom(
  s: { windowIndex: bigint; prevKDecreaseBps: bigint; curKDecreaseBps: bigint; params: { maxDailyKDecreaseBps: bigint } },
  timestamp: number,
): { roomBps: number; usedBps: number; capBps: number } {
  const used = rolledUsed(s.windowIndex, s.prevKDecreaseBps, s.curKDecreaseBps, windowIndexAt(timestamp, DAY_SECONDS));
  const cap = s.params.maxDailyKDecreaseBps;
  return { roomBps: Number(cap > used ? cap - used : 0n), usedBps: Number(used), capBps: Number(cap) };
}
