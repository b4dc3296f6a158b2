/**
 * Shared deployment fixture for the contract suites and the gas benchmark.
 *
 * `deployDammFixture(opts?)` deploys MockUSDC, MockAggregator (8 decimals, price 100), the
 * ClearingHouse, the linked VammMarketLib and one VammMarket (sqrtK 1e6 WAD, peg 100 WAD, so
 * mark = oracle = 100), registers the market, grants the roles to named signers, seeds the
 * adjustment budget through `fundBudget`, and mints + deposits collateral for every trader.
 *
 * Use with loadFixture: `loadFixture(deployDammFixture)` for the defaults; for custom options build
 * the fixture function once at module scope (`const fx = dammFixture({ traderCount: 8 })`) so
 * loadFixture can cache its snapshot.
 *
 * Signers (from `ethers.getSigners()`): 0 admin, 1 paramAdmin, 2 keeper, 3 guardian, 4 liquidator,
 * 5.. traders. Note the oracle answer is stamped at deploy time: hooks need an answer younger than
 * `maxOracleAgeHooks` (60 s), so call `aggregator.setAnswer(...)` before a repeg / updateK.
 */
import { ethers } from "hardhat";
import { deployVammMarket } from "../../keeper/onchain/deploy";
import { WAD, USDC, COLLATERAL_SCALE, ORACLE_DECIMALS, NO_DEADLINE } from "../../keeper/onchain/wad";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import {
  ClearingHouse__factory,
  MockAggregator__factory,
  MockUSDC__factory,
  VammMarketLib__factory,
} from "../../typechain-types";
import type { ClearingHouse, MockAggregator, MockUSDC, VammMarket, VammMarketLib } from "../../typechain-types";

export { WAD, USDC, COLLATERAL_SCALE, ORACLE_DECIMALS, NO_DEADLINE };

export interface DammFixtureOptions {
  /** Number of trader signers (default 5; at most 35 with the configured 40 accounts). */
  readonly traderCount?: number;
  /** Oracle answer in the aggregator's decimals (default 100e8 = 100). */
  readonly oracleAnswer?: bigint;
  /** Aggregator decimals (default 8). */
  readonly oracleDecimals?: number;
  /** Initial sqrtK, WAD (default 1e6 WAD; both reserves start at sqrtK). */
  readonly sqrtK?: bigint;
  /** Initial peg, WAD (default 100 WAD: mark = 100). */
  readonly peg?: bigint;
  /** Open-interest cap, base WAD (default 1e6 WAD). */
  readonly maxOpenInterest?: bigint;
  /** Adjustment budget seeded by the admin via fundBudget, token units (default 100_000 USDC). */
  readonly budget6?: bigint;
  /** Tokens minted to each trader (default 1_000_000 USDC). */
  readonly mintPerTrader6?: bigint;
  /** Tokens each trader deposits into the ClearingHouse (default 100_000 USDC). */
  readonly depositPerTrader6?: bigint;
  /** Tokens minted to the liquidator and admin (default 1_000_000 USDC each). */
  readonly mintPerOperator6?: bigint;
  /** Market parameters set by the parameter admin right after deployment, in order (default none). */
  readonly params?: ReadonlyArray<readonly [string, bigint]>;
}

export type ResolvedDammFixtureOptions = Required<DammFixtureOptions>;

export const DEFAULT_FIXTURE_OPTIONS: ResolvedDammFixtureOptions = Object.freeze({
  traderCount: 5,
  oracleAnswer: 100n * 10n ** BigInt(ORACLE_DECIMALS),
  oracleDecimals: ORACLE_DECIMALS,
  sqrtK: 1_000_000n * WAD,
  peg: 100n * WAD,
  maxOpenInterest: 1_000_000n * WAD,
  budget6: 100_000n * USDC,
  mintPerTrader6: 1_000_000n * USDC,
  depositPerTrader6: 100_000n * USDC,
  mintPerOperator6: 1_000_000n * USDC,
  params: [],
});

/**
 * Hook limits wide enough for suites that exercise the curve-change mechanics with steps up to 1 %
 * (costs, guards other than the sandwich bound): the sandwich bound
 * maxPegChangeBps·(1e4 + feeBps) ≤ 2·feeBps·1e4 (SPEC §6) needs feeBps 51 for a 100 bps step
 * (50 allows only 99); the hook window is the 60 s minimum.
 */
export const WIDE_HOOK_LIMITS: ReadonlyArray<readonly [string, bigint]> = Object.freeze([
  ["feeBps", 51n],
  ["maxPegChangeBps", 100n],
  ["hookWindowSeconds", 60n],
] as const);

/** The role ids (identical in both contracts). */
export interface DammRoles {
  readonly DEFAULT_ADMIN_ROLE: string;
  readonly PARAM_ADMIN_ROLE: string;
  readonly KEEPER_ROLE: string;
  readonly GUARDIAN_ROLE: string;
}

/** What `deployDammFixture` returns. */
export interface DammFixture {
  /** DEFAULT_ADMIN_ROLE on both contracts; funded the budget; may unpause and withdraw the reserve. */
  readonly admin: HardhatEthersSigner;
  /** PARAM_ADMIN_ROLE on both contracts (setParameter, setReduceOnly). */
  readonly paramAdmin: HardhatEthersSigner;
  /** KEEPER_ROLE on the market (repeg, updateK). */
  readonly keeper: HardhatEthersSigner;
  /** GUARDIAN_ROLE on both contracts (pause). */
  readonly guardian: HardhatEthersSigner;
  /** Holds minted tokens but no deposit; calls liquidate. */
  readonly liquidator: HardhatEthersSigner;
  /** Each has `mintPerTrader6 − depositPerTrader6` tokens and `depositPerTrader6` deposited. */
  readonly traders: HardhatEthersSigner[];
  readonly usdc: MockUSDC;
  readonly aggregator: MockAggregator;
  readonly clearingHouse: ClearingHouse;
  readonly market: VammMarket;
  /** The linked library holding the market's cold paths (needed to deploy more markets). */
  readonly marketLib: VammMarketLib;
  readonly addresses: {
    readonly usdc: string;
    readonly aggregator: string;
    readonly clearingHouse: string;
    readonly market: string;
    readonly marketLib: string;
  };
  readonly roles: DammRoles;
  readonly options: ResolvedDammFixtureOptions;
}

/** Markets must be deployed linked to VammMarketLib; the product code does it (re-exported for the suites). */
export { deployVammMarket };

export async function deployDammFixture(opts: DammFixtureOptions = {}): Promise<DammFixture> {
  const o: ResolvedDammFixtureOptions = { ...DEFAULT_FIXTURE_OPTIONS, ...opts };
  const signers = await ethers.getSigners();
  if (o.traderCount < 1 || 5 + o.traderCount > signers.length) {
    throw new Error(`deployDammFixture: traderCount ${o.traderCount} needs 5 + traderCount ≤ ${signers.length} signers`);
  }
  const [admin, paramAdmin, keeper, guardian, liquidator] = signers;
  const traders = signers.slice(5, 5 + o.traderCount);

  const usdc = await new MockUSDC__factory(admin).deploy();
  const aggregator = await new MockAggregator__factory(admin).deploy(o.oracleDecimals, o.oracleAnswer);
  const clearingHouse = await new ClearingHouse__factory(admin).deploy(await usdc.getAddress(), admin.address);
  const marketLib = await new VammMarketLib__factory(admin).deploy();
  const addresses = {
    usdc: await usdc.getAddress(),
    aggregator: await aggregator.getAddress(),
    clearingHouse: await clearingHouse.getAddress(),
    marketLib: await marketLib.getAddress(),
    market: "",
  };
  const market = await deployVammMarket(admin, addresses.marketLib, {
    clearingHouse: addresses.clearingHouse,
    oracle: addresses.aggregator,
    admin: admin.address,
    sqrtK: o.sqrtK,
    peg: o.peg,
    maxOpenInterest: o.maxOpenInterest,
  });
  addresses.market = await market.getAddress();
  await (await clearingHouse.connect(admin).addMarket(addresses.market)).wait();

  const roles: DammRoles = {
    DEFAULT_ADMIN_ROLE: await market.DEFAULT_ADMIN_ROLE(),
    PARAM_ADMIN_ROLE: await market.PARAM_ADMIN_ROLE(),
    KEEPER_ROLE: await market.KEEPER_ROLE(),
    GUARDIAN_ROLE: await market.GUARDIAN_ROLE(),
  };
  await (await market.connect(admin).grantRole(roles.PARAM_ADMIN_ROLE, paramAdmin.address)).wait();
  await (await market.connect(admin).grantRole(roles.KEEPER_ROLE, keeper.address)).wait();
  await (await market.connect(admin).grantRole(roles.GUARDIAN_ROLE, guardian.address)).wait();
  await (await clearingHouse.connect(admin).grantRole(roles.PARAM_ADMIN_ROLE, paramAdmin.address)).wait();
  await (await clearingHouse.connect(admin).grantRole(roles.GUARDIAN_ROLE, guardian.address)).wait();
  for (const [name, value] of o.params) {
    await (await market.connect(paramAdmin).setParameter(ethers.encodeBytes32String(name), value)).wait();
  }

  for (const op of [admin, liquidator]) {
    await (await usdc.mint(op.address, o.mintPerOperator6)).wait();
    await (await usdc.connect(op).approve(addresses.clearingHouse, ethers.MaxUint256)).wait();
  }
  if (o.budget6 > 0n) await (await clearingHouse.connect(admin).fundBudget(addresses.market, o.budget6)).wait();

  for (const t of traders) {
    await (await usdc.mint(t.address, o.mintPerTrader6)).wait();
    await (await usdc.connect(t).approve(addresses.clearingHouse, ethers.MaxUint256)).wait();
    if (o.depositPerTrader6 > 0n) await (await clearingHouse.connect(t).deposit(o.depositPerTrader6)).wait();
  }

  return {
    admin,
    paramAdmin,
    keeper,
    guardian,
    liquidator,
    traders,
    usdc,
    aggregator,
    clearingHouse,
    market,
    marketLib,
    addresses,
    roles,
    options: o,
  };
}

/** A named fixture function with fixed options, for `loadFixture` (build it once per module). */
export function dammFixture(opts: DammFixtureOptions): () => Promise<DammFixture> {
  const fixture = async function dammFixtureWithOptions(): Promise<DammFixture> {
    return deployDammFixture(opts);
  };
  return fixture;
}
