import { expect } from "chai";
import { Interface, id as keccakId, makeError, type InterfaceAbi } from "ethers";
import hre from "hardhat";
import { ErrorClassifier, KeeperError } from "../../../keeper/service/errors/classifyError";
import { ERROR_CLASS_BY_NAME, type ErrorClass, classOfErrorName } from "../../../keeper/service/errors/errorClasses";

const OZ = ["error AccessControlUnauthorizedAccount(address account, bytes32 neededRole)", "error EnforcedPause()"];
const INTERFACES = ["IVammMarketErrors", "IClearingHouseErrors", "IOracleErrors"];

function contractAbis(): InterfaceAbi[] {
  return [...INTERFACES.map((n) => hre.artifacts.readArtifactSync(n).abi as InterfaceAbi), OZ];
}

const ALL = new Interface(contractAbis().flatMap((a) => new Interface(a).fragments));

/** An ethers v6 CALL_EXCEPTION carrying the revert data, as a failed eth_call / estimateGas throws it. */
function callException(name: string, args: unknown[]): Error {
  const data = ALL.encodeErrorResult(name, args);
  return makeError("execution reverted", "CALL_EXCEPTION", { action: "call", data, reason: null, transaction: { to: null, data: "0x" }, invocation: null, revert: null });
}

describe("error classification", () => {
  const classifier = new ErrorClassifier(contractAbis());

  describe("decoded custom errors from the contracts' ABIs", () => {
    const table: ReadonlyArray<[string, unknown[], ErrorClass, string]> = [
      ["Vamm_HookCooldown", [10n, 10n], "nextBlock", "Vamm_HookCooldown(10, 10)"],
      ["Vamm_FluctuationLimitExceeded", [250n, 200n], "nextBlock", "Vamm_FluctuationLimitExceeded(250, 200)"],
      ["Oracle_StaleAnswer", [1000n, 60n], "nextBlock", "Oracle_StaleAnswer(1000, 60)"],
      ["Oracle_IncompleteRound", [5n, 4n], "nextBlock", "Oracle_IncompleteRound(5, 4)"],
      ["Vamm_DailyCostCapExceeded", [1n, 2n, 3n], "nextBlock", "Vamm_DailyCostCapExceeded(1, 2, 3)"],
      ["Vamm_OracleTwapDivergence", [1500n, 1000n], "nextBlock", "Vamm_OracleTwapDivergence(1500, 1000)"],
      ["Vamm_PastOracle", [102n, 101n], "nextBlock", "Vamm_PastOracle(102, 101)"],
      ["Vamm_PegChangeTooLarge", [150n, 100n], "nextBlock", "Vamm_PegChangeTooLarge(150, 100)"],
      ["Vamm_KChangeOutOfBounds", [1n, 2n], "nextBlock", "Vamm_KChangeOutOfBounds(1, 2)"],
      ["Vamm_SqrtKBelowNetPosition", [1n, 2n], "nextBlock", "Vamm_SqrtKBelowNetPosition(1, 2)"],
      ["Vamm_NotTowardOracle", [1n, 2n, 3n], "nextBlock", "Vamm_NotTowardOracle(1, 2, 3)"],
      ["Vamm_CostExceedsBudget", [-5n, 3n], "nextBlock", "Vamm_CostExceedsBudget(-5, 3)"],
      ["Vamm_ReduceOnly", [], "nextBlock", "Vamm_ReduceOnly()"],
      ["Vamm_Paused", [], "nextBlock", "Vamm_Paused()"],
      ["CH_Paused", [], "nextBlock", "CH_Paused()"],
      ["EnforcedPause", [], "nextBlock", "EnforcedPause()"],
      ["Vamm_InvalidParameter", [`0x${"22".repeat(32)}`, 1n, 2n, 3n], "never", `Vamm_InvalidParameter(0x${"22".repeat(32)}, 1, 2, 3)`],
      ["AccessControlUnauthorizedAccount", ["0x70997970C51812dc3A010C7d01b50e0d17dc79C8", `0x${"11".repeat(32)}`], "never", `AccessControlUnauthorizedAccount(0x70997970C51812dc3A010C7d01b50e0d17dc79C8, 0x${"11".repeat(32)})`],
    ];
    for (const [name, args, cls, reason] of table) {
      it(`${name} → ${cls}`, () => {
        const c = classifier.classify(callException(name, args));
        expect(c).to.deep.include({ errorClass: cls, name, reason });
      });
    }

    it("finds revert data nested in a JSON-RPC error (info.error.data / error.data)", () => {
      const data = ALL.encodeErrorResult("Vamm_HookCooldown", [1n, 1n]);
      expect(classifier.classify({ code: "UNKNOWN_ERROR", info: { error: { code: -32603, message: "reverted", data } } }).name).to.equal("Vamm_HookCooldown");
      expect(classifier.classify({ error: { data: { data } } }).name).to.equal("Vamm_HookCooldown");
    });

    it("revert data no ABI knows is an ABI mismatch (misconfigured); a revert without data is only `never`", () => {
      const c = classifier.classify({ code: "CALL_EXCEPTION", data: "0xdeadbeef00" });
      expect(c).to.deep.include({ errorClass: "never", reason: "unrecognised revert data 0xdeadbeef" });
      expect(c.misconfigured).to.match(/unknown contract \/ ABI mismatch/);
      const bare = makeError("execution reverted", "CALL_EXCEPTION", { action: "call", data: null, reason: null, transaction: { to: null, data: "0x" }, invocation: null, revert: null });
      expect(classifier.classify(bare).errorClass).to.equal("never");
      expect(classifier.classify(bare).misconfigured).to.equal(undefined);
    });

    it("marks every pause as paused (the job backs off) and nothing else", () => {
      for (const n of ["Vamm_Paused", "CH_Paused", "EnforcedPause"]) expect(classifier.classify(callException(n, [])).paused, n).to.equal(true);
      expect(classifier.classify(callException("Vamm_HookCooldown", [1n, 1n])).paused).to.equal(undefined);
    });
  });

  describe("keeper misconfiguration (halts at once)", () => {
    const keeper = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    const other = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
    const KEEPER_ROLE = keccakId("KEEPER_ROLE");

    it("AccessControlUnauthorizedAccount for the keeper's own address names the missing role", () => {
      const c = classifier.classify(callException("AccessControlUnauthorizedAccount", [keeper, KEEPER_ROLE]), { keeperAddress: keeper.toLowerCase() });
      expect(c.errorClass).to.equal("never");
      expect(c.misconfigured).to.equal(`keeper ${keeper} lacks KEEPER_ROLE (${KEEPER_ROLE}) on the market: grant it to the keeper or fix DAMM_KEEPER_KEY (AccessControlUnauthorizedAccount(${keeper}, ${KEEPER_ROLE}))`);
    });

    it("AccessControlUnauthorizedAccount for another account is a plain `never` refusal", () => {
      const c = classifier.classify(callException("AccessControlUnauthorizedAccount", [other, KEEPER_ROLE]), { keeperAddress: keeper });
      expect(c.errorClass).to.equal("never");
      expect(c.misconfigured).to.equal(undefined);
    });

    it("a market of another ClearingHouse, an undecodable answer (BAD_DATA) and a wrong chain", () => {
      expect(classifier.classify(callException("CH_MarketMismatch", [keeper, other])).misconfigured).to.match(/do not belong together/);
      expect(classifier.classify(makeError("could not decode result data", "BAD_DATA", { value: "0x" })).misconfigured).to.match(/ABI mismatch/);
      expect(classifier.classify(makeError("network changed: 31337 => 1", "NETWORK_ERROR", { event: "changed" })).misconfigured).to.match(/^wrong chain: /);
      expect(classifier.classify({ code: -32000, message: "invalid chain id for signer" }).misconfigured).to.match(/^wrong chain: /);
    });

    it("state-dependent guards are never a misconfiguration", () => {
      for (const [n, a] of [["Vamm_CostExceedsBudget", [5n, 3n]], ["Vamm_Paused", []], ["Oracle_StaleAnswer", [1n, 60n]], ["Vamm_DailyCostCapExceeded", [1n, 2n, 3n]]] as const) {
        expect(classifier.classify(callException(n, [...a]), { keeperAddress: keeper }).misconfigured, n).to.equal(undefined);
      }
    });

    it("gives every error a hook can raise an explicit class (no reliance on the fallback patterns)", () => {
      const hookErrors = new Interface(hre.artifacts.readArtifactSync("IVammMarketErrors").abi).fragments
        .concat(new Interface(hre.artifacts.readArtifactSync("IOracleErrors").abi).fragments)
        .filter((f) => f.type === "error")
        .map((f) => (f as unknown as { name: string }).name);
      const missing = hookErrors.filter((n) => !(n in ERROR_CLASS_BY_NAME));
      expect(missing).to.deep.equal([]);
    });
  });

  describe("transport errors", () => {
    const cases: ReadonlyArray<[string, unknown]> = [
      ["ethers NETWORK_ERROR", makeError("network down", "NETWORK_ERROR", { event: "x" })],
      ["ethers TIMEOUT", makeError("timeout", "TIMEOUT", { operation: "call", reason: "timeout" })],
      ["ethers SERVER_ERROR", makeError("bad gateway", "SERVER_ERROR", {} as never)],
      ["nonce too low (NONCE_EXPIRED)", makeError("nonce has already been used", "NONCE_EXPIRED", { transaction: {} as never })],
      ["nonce too low (node message)", { code: -32000, message: "nonce too low: next nonce 5, tx nonce 4" }],
      ["ECONNREFUSED", Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:8545"), { code: "ECONNREFUSED" })],
      ["socket hang up", new Error("socket hang up")],
    ];
    for (const [what, err] of cases) {
      it(`${what} → retryNow`, () => expect(classifier.classify(err).errorClass).to.equal("retryNow"));
    }

    it("INSUFFICIENT_FUNDS → never", () => {
      expect(classifier.classify(makeError("insufficient funds", "INSUFFICIENT_FUNDS", { transaction: {} as never })).errorClass).to.equal("never");
    });

    it("keeps a KeeperError's own class", () => {
      expect(classifier.classify(new KeeperError("nextBlock", "fee above cap"))).to.deep.include({ errorClass: "nextBlock", reason: "fee above cap" });
    });
  });

  describe("names outside the table", () => {
    it("fall back by pattern: state-dependent guards → nextBlock, roles and unknowns → never", () => {
      expect(classOfErrorName("Vamm_SomeNewCooldown")).to.equal("nextBlock");
      expect(classOfErrorName("Vamm_NewDailyCapExceeded")).to.equal("nextBlock");
      expect(classOfErrorName("Vamm_SomethingTooLarge")).to.equal("nextBlock");
      expect(classOfErrorName("Vamm_BudgetTooThin")).to.equal("nextBlock");
      expect(classOfErrorName("Vamm_MarketPausedAgain")).to.equal("nextBlock");
      expect(classOfErrorName("Vamm_NotKeeper")).to.equal("never");
      expect(classOfErrorName("Whatever")).to.equal("never");
    });
  });
});
