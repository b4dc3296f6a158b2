import type { AbstractProvider } from "ethers";
import type { IVammMarket } from "../../../typechain-types/contracts/interfaces/IVammMarket";
import { IVammMarket__factory } from "../../../typechain-types/factories/contracts/interfaces/IVammMarket__factory";
import type { MarketConfig } from "../config/schema";
import type { HookCall, HookPreview, MarketGateway, MarketSnapshot } from "./types";

/**
 * One VammMarket over ethers (TypeChain-typed IVammMarket): a tick reads marketState() and
 * oracleLatest() pinned to one block so the snapshot is consistent; hooks are previewed with
 * previewRepeg / previewUpdateK and simulated with eth_call from the keeper's address.
 */
export class EthersMarketGateway implements MarketGateway {
  private constructor(
    private readonly provider: AbstractProvider,
    private readonly market: IVammMarket,
    private readonly from: string | undefined,
  ) {}

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
    const [s, oracle] = await Promise.all([this.market.marketState({ blockTag }), this.market.oracleLatest({ blockTag })]);
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
    };
  }

  async preview(call: HookCall): Promise<HookPreview> {
    const r = call.kind === "repeg" ? await this.market.previewRepeg(call.target) : await this.market.previewUpdateK(call.target);
    return { cost: r.cost, newMark: r.newMark };
  }

  async simulate(call: HookCall): Promise<bigint> {
    const tx = { ...this.encode(call), from: this.from };
    await this.provider.call(tx); // reverts with the guard's custom error, decoded by the classifier
    return this.provider.estimateGas(tx);
  }

  encode(call: HookCall): { to: string; data: string } {
    const data =
      call.kind === "repeg"
        ? this.market.interface.encodeFunctionData("repeg", [call.target])
        : this.market.interface.encodeFunctionData("updateK", [call.target]);
    return { to: this.market.target as string, data };
  }
}
