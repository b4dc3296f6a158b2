import type { AbstractProvider, FunctionFragment, Interface } from "ethers";
import type { IVammMarket } from "../../../typechain-types/contracts/interfaces/IVammMarket";
import { IVammMarket__factory } from "../../../typechain-types/factories/contracts/interfaces/IVammMarket__factory";
import type { MarketConfig } from "../config/schema";
import type { HookCall, HookPreview, MarketGateway, MarketSnapshot } from "./types";

/**
 * One VammMarket over ethers (TypeChain-typed IVammMarket): a tick reads marketState() and
 * oracleLatest() pinned to one block so the snapshot is consistent; hooks are previewed with
 * previewRepeg / previewUpdateK and simulated with eth_call from the keeper's address. Calls go
 * through provider.call with the ABI fragments resolved once (not the Contract proxy per call).
 */
export class EthersMarketGateway implements MarketGateway {
  private readonly address: string;
  private readonly iface: Interface;
  // Calldata of the argument-less reads and the fragments, encoded once rather than per tick.
  private readonly fn;
  private readonly stateData: string;
  private readonly oracleData: string;

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
    const block = await this.provider.getBlock("latest");
    if (!block) throw new Error("latest block unavailable");
    const blockTag = block.number;
    const [stateRaw, oracleRaw] = await Promise.all([
      this.provider.call({ to: this.address, data: this.stateData, blockTag }),
      this.provider.call({ to: this.address, data: this.oracleData, blockTag }),
    ]);
    const s = this.iface.decodeFunctionResult(this.fn.marketState, stateRaw)[0] as Awaited<ReturnType<IVammMarket["marketState"]>>;
    const oracle = this.iface.decodeFunctionResult(this.fn.oracleLatest, oracleRaw) as unknown as Awaited<ReturnType<IVammMarket["oracleLatest"]>>;
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
      ...(block.baseFeePerGas !== null ? { baseFeePerGas: block.baseFeePerGas } : {}),
    };
  }

  async preview(call: HookCall): Promise<HookPreview> {
    const fn = call.kind === "repeg" ? this.fn.previewRepeg : this.fn.previewUpdateK;
    const raw = await this.provider.call({ to: this.address, data: this.uint256Call(fn, call.target) });
    const [cost, newMark] = this.iface.decodeFunctionResult(fn, raw) as unknown as [bigint, bigint];
    return { cost, newMark };
  }

  /**
   * eth_call and eth_estimateGas of the same call, issued together (one round, one batch). The
   * eth_call is the simulation: when it reverts, its error (the guard's custom error, decoded by
   * the classifier) is the one thrown, whatever the estimate did.
   */
  async simulate(call: HookCall): Promise<bigint> {
    const tx = { ...this.encode(call), from: this.from };
    const [sim, gas] = await Promise.allSettled([this.provider.call(tx), this.provider.estimateGas(tx)]);
    if (sim.status === "rejected") throw sim.reason;
    if (gas.status === "rejected") throw gas.reason;
    return gas.value;
  }

  encode(call: HookCall): { to: string; data: string } {
    const last = this.lastEncoded;
    if (last && last.kind === call.kind && last.target === call.target) return { to: this.address, data: last.data };
    const data = this.uint256Call(call.kind === "repeg" ? this.fn.repeg : this.fn.updateK, call.target);
    this.lastEncoded = { kind: call.kind, target: call.target, data };
    return { to: this.address, data };
  }
}

const DAY = 86_400n;
const MAX_UINT256 = (1n << 256n) - 1n;

/**
 * The daily cap's headroom as the hook would see it at `timestamp` (SPEC §6): a new window takes
 * the budget as its base and carries the previous window's spend only when consecutive.
 */
export function dailyCapHeadroom(
  s: { windowIndex: bigint; prevSpent: bigint; curSpent: bigint; budgetAtWindowStart: bigint; budget: bigint; params: { dailyCostCapBps: bigint } },
  timestamp: number,
): bigint {
  const idx = BigInt(timestamp) / DAY;
  const same = idx === s.windowIndex;
  const base = same ? s.budgetAtWindowStart : s.budget;
  const spent = same ? s.prevSpent + s.curSpent : idx === s.windowIndex + 1n ? s.curSpent : 0n;
  const cap = (base * s.params.dailyCostCapBps) / 10_000n;
  return cap > spent ? cap - spent : 0n;
}
