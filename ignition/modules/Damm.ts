/**
 * Hardhat Ignition module for a dAMM deployment: MockUSDC (6 decimals), one MockAggregator per
 * market, the ClearingHouse, the VammMarketLib library linked into each VammMarket, market
 * registration, the keeper's KEEPER_ROLE and a seeded adjustment budget.
 *
 * Parameters (module "Damm", all optional):
 *   keeper            address granted KEEPER_ROLE on every market (default: account #2, as in the test fixture)
 *   oracleDecimals    aggregator decimals (default 8)
 *   <M>_oracleAnswer  initial answer in oracle decimals (default 100e8)
 *   <M>_peg           initial peg, WAD (default 100e18, so mark = oracle = 100)
 *   <M>_sqrtK         initial sqrtK, WAD (default 1e6 WAD)
 *   <M>_maxOpenInterest  OI cap, base WAD (default 1e6 WAD)
 *   <M>_budget6       adjustment budget funded by the deployer, USDC units (default 100_000e6)
 * where <M> is the market name with non-alphanumerics as "_" (ETH-PERP → ETH_PERP).
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type { ContractCallFuture, NamedArtifactContractDeploymentFuture } from "@nomicfoundation/ignition-core";

const WAD = 10n ** 18n;

export const DEFAULT_MARKETS: readonly string[] = ["ETH-PERP"];

/** Ignition ids and parameter names allow [A-Za-z0-9_] only. */
export function marketId(name: string): string {
  return name.replace(/[^A-Za-z0-9]/g, "_");
}

/** The module for a fixed list of market names (module id "Damm" for the default list). */
export function buildDammModule(marketNames: readonly string[] = DEFAULT_MARKETS, moduleId = "Damm") {
  if (marketNames.length === 0) throw new Error("buildDammModule: at least one market");
  return buildModule(moduleId, (m) => {
    const deployer = m.getAccount(0);
    const keeper = m.getParameter("keeper", m.getAccount(2));
    const oracleDecimals = m.getParameter("oracleDecimals", 8);

    const usdc = m.contract("MockUSDC", []);
    const clearingHouse = m.contract("ClearingHouse", [usdc, deployer]);
    const marketLib = m.contract("VammMarketLib", []);
    const keeperRole = m.staticCall(clearingHouse, "KEEPER_ROLE", [], 0, { id: "KeeperRole" });

    const contracts: Record<string, NamedArtifactContractDeploymentFuture<string>> = { usdc, clearingHouse, marketLib };
    // approve sets (does not add to) the allowance: fund the markets one after another.
    let previousFunding: ContractCallFuture<string, string> | undefined;
    for (const name of marketNames) {
      const id = marketId(name);
      const p = <T extends bigint>(key: string, def: T) => m.getParameter<bigint>(`${id}_${key}`, def);
      const oracle = m.contract("MockAggregator", [oracleDecimals, p("oracleAnswer", 100n * 10n ** 8n)], { id: `${id}_Oracle` });
      const market = m.contract(
        "VammMarket",
        [
          {
            clearingHouse,
            oracle,
            admin: deployer,
            sqrtK: p("sqrtK", 1_000_000n * WAD),
            peg: p("peg", 100n * WAD),
            maxOpenInterest: p("maxOpenInterest", 1_000_000n * WAD),
          },
        ],
        { id: `${id}_Market`, libraries: { VammMarketLib: marketLib } },
      );
      const listed = m.call(clearingHouse, "addMarket", [market], { id: `${id}_addMarket` });
      m.call(market, "grantRole", [keeperRole, keeper], { id: `${id}_grantKeeper` });

      // Budget: the deployer mints, approves and funds it through the ClearingHouse (tokens stay there).
      const budget6 = p("budget6", 100_000n * 10n ** 6n);
      const minted = m.call(usdc, "mint", [deployer, budget6], { id: `${id}_mintBudget` });
      const approved = m.call(usdc, "approve", [clearingHouse, budget6], { id: `${id}_approveBudget`, after: previousFunding ? [minted, previousFunding] : [minted] });
      previousFunding = m.call(clearingHouse, "fundBudget", [market, budget6], { id: `${id}_fundBudget`, after: [listed, approved] });

      contracts[`${id}_oracle`] = oracle;
      contracts[`${id}_market`] = market;
    }
    return contracts;
  });
}

export default buildDammModule();
