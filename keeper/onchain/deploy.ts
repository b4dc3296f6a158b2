/**
 * Deploys a complete dAMM market on any ethers signer (in-process Hardhat network, `npx hardhat
 * node`, a testnet): MockUSDC, MockAggregator (8 decimals), ClearingHouse, the linked VammMarketLib
 * and one VammMarket; registers the market, grants the roles and seeds the adjustment budget.
 * Scripts (demo, traders, benches) and tests use it alike, so nothing here depends on mocha.
 */
import { ethers as ethersLib, type Signer } from "ethers";
import {
  ClearingHouse__factory,
  MockAggregator__factory,
  MockUSDC__factory,
  VammMarketLib__factory,
  VammMarket__factory,
} from "../../typechain-types";
import type { ClearingHouse, MockAggregator, MockUSDC, VammMarket } from "../../typechain-types";
import type { IVammMarket } from "../../typechain-types/contracts/VammMarket";
import { toOracleAnswer, toWad, USDC, ORACLE_DECIMALS } from "./wad";

export interface DeployOptions {
  /** Initial sqrtK (natural units); both reserves start at sqrtK. */
  readonly sqrtK: number;
  /** Initial peg = initial mark = initial oracle price. */
  readonly price: number;
  /** Open-interest cap (base, natural units). */
  readonly maxOpenInterest?: number;
  /** Budget seeded through fundBudget (natural units = tokens). */
  readonly budget?: number;
  /** Market parameters set after deployment (SPEC §6 names → value). */
  readonly params?: Readonly<Record<string, number>>;
}

export interface DammAddresses {
  readonly usdc: string;
  readonly aggregator: string;
  readonly clearingHouse: string;
  readonly marketLib: string;
  readonly market: string;
}

export interface DammContracts {
  readonly usdc: MockUSDC;
  readonly aggregator: MockAggregator;
  readonly clearingHouse: ClearingHouse;
  readonly market: VammMarket;
  readonly addresses: DammAddresses;
}

/** Roles: the admin deploys and holds DEFAULT_ADMIN; the others get their role on both contracts. */
export interface DeployRoles {
  readonly admin: Signer;
  readonly keeper: string;
  readonly paramAdmin?: string;
  readonly guardian?: string;
}

/**
 * Deploys a VammMarket linked to `marketLibAddress`: the market's rarely-called code lives in the
 * external library VammMarketLib (it keeps the market under 24 KB), so every deployment links it.
 */
export async function deployVammMarket(deployer: Signer, marketLibAddress: string, config: IVammMarket.MarketConfigStruct): Promise<VammMarket> {
  const factory = new VammMarket__factory({ "contracts/libraries/VammMarketLib.sol:VammMarketLib": marketLibAddress }, deployer);
  const market = await factory.deploy(config);
  await market.waitForDeployment();
  return market;
}

async function send(p: Promise<{ wait(): Promise<unknown> }>): Promise<void> {
  await (await p).wait();
}

export async function deployDamm(roles: DeployRoles, o: DeployOptions): Promise<DammContracts> {
  const { admin } = roles;
  const adminAddr = await admin.getAddress();
  const usdc = await new MockUSDC__factory(admin).deploy();
  const aggregator = await new MockAggregator__factory(admin).deploy(ORACLE_DECIMALS, toOracleAnswer(o.price));
  const clearingHouse = await new ClearingHouse__factory(admin).deploy(await usdc.getAddress(), adminAddr);
  const lib = await new VammMarketLib__factory(admin).deploy();
  const addrs = {
    usdc: await usdc.getAddress(),
    aggregator: await aggregator.getAddress(),
    clearingHouse: await clearingHouse.getAddress(),
    marketLib: await lib.getAddress(),
  };
  const market = await deployVammMarket(admin, addrs.marketLib, {
    clearingHouse: addrs.clearingHouse,
    oracle: addrs.aggregator,
    admin: adminAddr,
    sqrtK: toWad(o.sqrtK),
    peg: toWad(o.price),
    maxOpenInterest: toWad(o.maxOpenInterest ?? o.sqrtK * 10),
  });
  const addresses: DammAddresses = { ...addrs, market: await market.getAddress() };
  await send(clearingHouse.addMarket(addresses.market));
  const [paramRole, keeperRole, guardianRole] = await Promise.all([market.PARAM_ADMIN_ROLE(), market.KEEPER_ROLE(), market.GUARDIAN_ROLE()]);
  await send(market.grantRole(keeperRole, roles.keeper));
  await send(market.grantRole(paramRole, roles.paramAdmin ?? adminAddr));
  await send(market.grantRole(guardianRole, roles.guardian ?? adminAddr));
  await send(clearingHouse.grantRole(paramRole, roles.paramAdmin ?? adminAddr));
  await send(clearingHouse.grantRole(guardianRole, roles.guardian ?? adminAddr));
  if (!roles.paramAdmin) {
    for (const [name, value] of Object.entries(o.params ?? {})) {
      await send(market.setParameter(ethersLib.encodeBytes32String(name), BigInt(value)));
    }
  }
  const budget6 = BigInt(Math.round((o.budget ?? 0) * 1e6));
  if (budget6 > 0n) {
    await send(usdc.mint(adminAddr, budget6));
    await send(usdc.approve(addresses.clearingHouse, budget6));
    await send(clearingHouse.fundBudget(addresses.market, budget6));
  }
  return { usdc, aggregator, clearingHouse, market, addresses };
}

/** Connects to an existing deployment (e.g. the addresses scripts/deploy.ts wrote). */
export function attachDamm(addresses: DammAddresses, runner: Signer): DammContracts {
  return {
    usdc: MockUSDC__factory.connect(addresses.usdc, runner),
    aggregator: MockAggregator__factory.connect(addresses.aggregator, runner),
    clearingHouse: ClearingHouse__factory.connect(addresses.clearingHouse, runner),
    market: VammMarket__factory.connect(addresses.market, runner),
    addresses,
  };
}

/** Mints `amount` tokens to each account, approves the ClearingHouse and deposits `deposit`. */
export async function fundAccounts(c: DammContracts, minter: Signer, accounts: readonly Signer[], mint: number, deposit: number): Promise<void> {
  const mint6 = BigInt(Math.round(mint * 1e6));
  const dep6 = BigInt(Math.round(deposit * 1e6));
  for (const a of accounts) {
    const addr = await a.getAddress();
    await send(c.usdc.connect(minter).mint(addr, mint6));
    await send(c.usdc.connect(a).approve(c.addresses.clearingHouse, ethersLib.MaxUint256));
    if (dep6 > 0n) await send(c.clearingHouse.connect(a).deposit(dep6));
  }
}

export { USDC };
