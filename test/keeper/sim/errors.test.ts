import { expect } from "chai";
import { artifacts } from "hardhat";
import { REVERT_NAMES, SIM_ERRORS } from "../../../keeper/sim/errors";

// The simulator's refusals (keeper/sim/errors.ts) against the compiled ABI of the contracts whose
// rules it mirrors: every error it raises exists there with the same number of arguments (the
// simulator's argument counts are also enforced at compile time by SimRevert / Refusal), and every
// ABI error it does not raise is listed below with the reason — a new contract error fails this
// test until it is modelled or listed.

/** The contracts' custom errors: the market (with its linked library), the clearing house, the oracle adapter. */
const SOURCES = ["VammMarket", "VammMarketLib", "ClearingHouse", "IOracleErrors"] as const;

/** ABI errors the simulator does not raise, and why. */
const NOT_SIMULATED: Readonly<Record<string, string>> = {
  AccessControlBadConfirmation: "roles are not simulated: one keeper and one admin call the core directly (OpenZeppelin renounceRole)",
  AccessControlUnauthorizedAccount: "roles are not simulated: one keeper and one admin call the core directly",
  CH_MarketAlreadyAdded: "market listing: one simulated core is one market, listed from the start",
  CH_MarketMismatch: "market listing: the core is its own clearing house, so market and clearing house always belong together",
  CH_UnknownMarket: "market listing: the market is implied (one core = one market)",
  CH_UnknownFundingEpoch: "fundingIndicesAt is a view over the per-epoch history; the simulator settles positions but offers no epoch queries",
  CH_UnsupportedCollateral: "deployment check of the collateral token's decimals; the simulator has no token",
  CH_ZeroAddress: "deployment / admin argument check; the simulator has no addresses to validate",
  CH_NoClaim: "redeemClaim is not simulated: the core records claims (claimOf) but episodes do not redeem them",
  EnforcedPause: "OpenZeppelin Pausable's own guard on pausing twice; the simulator's pause is a flag whose effect is CH_Paused / Vamm_Paused",
  ExpectedPause: "OpenZeppelin Pausable's own guard on unpausing when not paused; see EnforcedPause",
  Oracle_UnsupportedDecimals: "deployment check of the feed's decimals; the simulated oracle is a price, not a feed",
  ReentrancyGuardReentrantCall: "no reentrancy in a single-threaded simulator",
  SafeCastOverflowedIntDowncast: "storage-width overflow (SPEC §8, ≥ 7.9e10 units); the one reachable by trading, a position's size, is CH_PositionTooLarge",
  SafeCastOverflowedIntToUint: "storage-width overflow (SPEC §8); unreachable within the simulated ranges",
  SafeCastOverflowedUintDowncast: "storage-width overflow (SPEC §8); unreachable within the simulated ranges",
  SafeCastOverflowedUintToInt: "storage-width overflow (SPEC §8); unreachable within the simulated ranges",
  SafeERC20FailedOperation: "token transfers are not simulated (collateral is a ledger number)",
  Vamm_InsufficientReserve: "withdrawReserve (an admin action) is not simulated",
  Vamm_InvalidParameter:
    "parameter changes are validated by validateParams against the guard table (keeper/core/guardTable.ts) with an Error naming the parameter; the table's bounds are held to the contract by test/keeper/core/guardTable.test.ts",
  Vamm_UnknownParameter: "MarketParams is a typed record: an unknown parameter name does not compile",
  Vamm_OnlyClearingHouse: "the market ↔ clearing-house access check; one core plays both",
  Vamm_ZeroAddress: "deployment argument check; the simulator has no addresses",
  Vamm_ZeroBaseAmount: "float64 never rounds a positive quote to zero base (the contract's case is a quote worth less than one wei of base)",
};

describe("keeper/sim/errors: the simulator's revert names against the compiled ABI", function () {
  async function abiErrors(): Promise<Map<string, number>> {
    const arity = new Map<string, number>();
    for (const source of SOURCES) {
      const { abi } = await artifacts.readArtifact(source);
      for (const item of abi as { type: string; name: string; inputs: unknown[] }[]) {
        if (item.type !== "error") continue;
        const seen = arity.get(item.name);
        expect(seen === undefined || seen === item.inputs.length, `${item.name} has one argument count in every contract`).to.equal(true);
        arity.set(item.name, item.inputs.length);
      }
    }
    return arity;
  }

  it("every simulated revert is an ABI error with the same argument count", async function () {
    const abi = await abiErrors();
    for (const name of REVERT_NAMES) {
      expect(abi.has(name), `${name} is declared by ${SOURCES.join(" / ")}`).to.equal(true);
      expect(SIM_ERRORS[name].length, `${name}'s argument count`).to.equal(abi.get(name));
    }
  });

  it("every ABI error the simulator does not raise is listed with a reason, and the list has no stale entry", async function () {
    const abi = await abiErrors();
    const simulated = new Set<string>(REVERT_NAMES);
    const unlisted = [...abi.keys()].filter((n) => !simulated.has(n) && !(n in NOT_SIMULATED));
    expect(unlisted, "ABI errors neither simulated nor listed in NOT_SIMULATED").to.deep.equal([]);
    const stale = Object.keys(NOT_SIMULATED).filter((n) => !abi.has(n) || simulated.has(n));
    expect(stale, "NOT_SIMULATED entries that are simulated or no longer in the ABI").to.deep.equal([]);
    for (const [name, reason] of Object.entries(NOT_SIMULATED)) expect(reason.length, `${name} has a reason`).to.be.greaterThan(20);
  });
});
