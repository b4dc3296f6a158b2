/**
 * Hardhat Ignition module for a dAMM deployment: MockUSDC (6 decimals), one MockAggregator per
 * market, the ClearingHouse, the VammMarketLib library linked into each VammMarket, market
 * registration, the roles and a seeded adjustment budget.
 *
 * Roles (README "Roles"): an OpenZeppelin TimelockController holds DEFAULT_ADMIN_ROLE and
 * PARAM_ADMIN_ROLE on the ClearingHouse and on every market, so parameter changes, role grants and
 * unpausing wait `timelockMinDelay` seconds and are public while they wait; the guardian holds
 * GUARDIAN_ROLE and pauses at once; the keeper holds KEEPER_ROLE. The deployer renounces its own
 * DEFAULT_ADMIN_ROLE at the end, unless the module is built with `deployerKeepsAdmin` (tests only:
 * it bypasses the timelock).
 *
 * Parameters (module "Damm", all optional):
 *   keeper            address granted KEEPER_ROLE on every market (default: account #2, as in the test fixture)
 *   guardian          address granted GUARDIAN_ROLE on the ClearingHouse and every market (default: account #1)
 *   proposer          timelock proposer and canceller (default: the deployer)
 *   executor          timelock executor (default: the deployer)
 *   timelockMinDelay  seconds between queueing and executing a timelocked call (default 86400)
 *   oracleDecimals    aggregator decimals (default 8)
 *   <M>_oracleAnswer  initial answer in oracle decimals (default 100e8)
 *   <M>_peg           initial peg, WAD (default 100e18, so mark = oracle = 100)
 *   <M>_sqrtK         initial sqrtK, WAD (default 1e6 WAD)
 *   <M>_maxOpenInterest  OI cap, base WAD (default 1e6 WAD)
 *   <M>_budget6       adjustment budget funded by the deployer, USDC units (default 100_000e6)
 * where <M> is the market name with non-alphanumerics as "_" (ETH-PERP → ETH_PERP).
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type { Artifact, CallableContractFuture, ContractCallFuture, ContractDeploymentFuture, Future, NamedArtifactContractDeploymentFuture } from "@nomicfoundation/ignition-core";
import TimelockArtifact from "@openzeppelin/contracts/build/contracts/TimelockController.json";

const WAD = 10n ** 18n;

export const DEFAULT_MARKETS: readonly string[] = ["ETH-PERP"];

/** OpenZeppelin's own build of TimelockController (contracts/ stays ours: nothing to compile). */
const TIMELOCK_ARTIFACT = TimelockArtifact as unknown as Artifact;
/** AccessControl's DEFAULT_ADMIN_ROLE. */
const DEFAULT_ADMIN_ROLE = `0x${"00".repeat(32)}`;

/** Ignition ids and parameter names allow [A-Za-z0-9_] only. */
export function marketId(name: string): string {
  return name.replace(/[^A-Za-z0-9]/g, "_");
}

export interface DammModuleOptions {
  /** Keep the deployer's DEFAULT_ADMIN_ROLE next to the timelock's (tests that grant roles directly). */
  readonly deployerKeepsAdmin?: boolean;
}

/** The module for a fixed list of market names (module id "Damm" for the default list). */
export function buildDammModule(marketNames: readonly string[] = DEFAULT_MARKETS, moduleId = "Damm", opts: DammModuleOptions = {}) {
  if (marketNames.length === 0) throw new Error("buildDammModule: at least one market");
  return buildModule(moduleId, (m) => {
    const deployer = m.getAccount(0);
    const keeper = m.getParameter("keeper", m.getAccount(2));
    const guardian = m.getParameter("guardian", m.getAccount(1));
    const proposer = m.getParameter("proposer", deployer);
    const executor = m.getParameter("executor", deployer);
    const minDelay = m.getParameter("timelockMinDelay", 86_400);
    const oracleDecimals = m.getParameter("oracleDecimals", 8);

    const usdc = m.contract("MockUSDC", []);
    const clearingHouse = m.contract("ClearingHouse", [usdc, deployer]);
    const marketLib = m.contract("VammMarketLib", []);
    // Self-administered (admin = address(0)): only a timelocked call changes its own roles.
    const timelock = m.contract("TimelockController", TIMELOCK_ARTIFACT, [minDelay, [proposer], [executor], "0x0000000000000000000000000000000000000000"]);
    const keeperRole = m.staticCall(clearingHouse, "KEEPER_ROLE", [], 0, { id: "KeeperRole" });
    const paramRole = m.staticCall(clearingHouse, "PARAM_ADMIN_ROLE", [], 0, { id: "ParamAdminRole" });
    const guardianRole = m.staticCall(clearingHouse, "GUARDIAN_ROLE", [], 0, { id: "GuardianRole" });

    /** The timelock's and the guardian's roles on one AccessControl contract; what must precede the deployer's renounce. */
    const wireRoles = (target: CallableContractFuture<string>, id: string): Future[] => [
      m.call(target, "grantRole", [DEFAULT_ADMIN_ROLE, timelock], { id: `${id}_grantAdminToTimelock` }),
      m.call(target, "grantRole", [paramRole, timelock], { id: `${id}_grantParamToTimelock` }),
      m.call(target, "grantRole", [guardianRole, guardian], { id: `${id}_grantGuardian` }),
    ];
    const adminCalls: Future[] = wireRoles(clearingHouse, "ClearingHouse");

    const contracts: Record<string, NamedArtifactContractDeploymentFuture<string> | ContractDeploymentFuture> = { usdc, clearingHouse, marketLib, timelock };
    // approve sets (does not add to) the allowance: fund the markets one after another.
    let previousFunding: ContractCallFuture<string, string> | undefined;
    const markets: { market: CallableContractFuture<string>; id: string }[] = [];
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
      adminCalls.push(listed, m.call(market, "grantRole", [keeperRole, keeper], { id: `${id}_grantKeeper` }), ...wireRoles(market, id));

      // Budget: the deployer mints, approves and funds it through the ClearingHouse (tokens stay there).
      const budget6 = p("budget6", 100_000n * 10n ** 6n);
      const minted = m.call(usdc, "mint", [deployer, budget6], { id: `${id}_mintBudget` });
      const approved = m.call(usdc, "approve", [clearingHouse, budget6], { id: `${id}_approveBudget`, after: previousFunding ? [minted, previousFunding] : [minted] });
      previousFunding = m.call(clearingHouse, "fundBudget", [market, budget6], { id: `${id}_fundBudget`, after: [listed, approved] });

      contracts[`${id}_oracle`] = oracle;
      contracts[`${id}_market`] = market;
      markets.push({ market, id });
    }
    // Last: the deployer gives up its admin role, leaving the timelock as the only admin.
    if (!opts.deployerKeepsAdmin) {
      m.call(clearingHouse, "renounceRole", [DEFAULT_ADMIN_ROLE, deployer], { id: "ClearingHouse_renounceDeployerAdmin", after: adminCalls });
      for (const { market, id } of markets) m.call(market, "renounceRole", [DEFAULT_ADMIN_ROLE, deployer], { id: `${id}_renounceDeployerAdmin`, after: adminCalls });
    }
    return contracts;
  });
}

export default buildDammModule();
