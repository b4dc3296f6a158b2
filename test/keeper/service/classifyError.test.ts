import { expect } from "chai";
import { Interface, makeError, type InterfaceAbi } from "ethers";
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
      ["Vamm_PegChangeTooLarge", [150n, 100n], "never", "Vamm_PegChangeTooLarge(150, 100)"],
      ["Vamm_KChangeOutOfBounds", [1n, 2n], "never", "Vamm_KChangeOutOfBounds(1, 2)"],
      ["Vamm_CostExceedsBudget", [-5n, 3n], "never", "Vamm_CostExceedsBudget(-5, 3)"],
      ["Vamm_Paused", [], "never", "Vamm_Paused()"],
      ["EnforcedPause", [], "never", "EnforcedPause()"],
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

    it("halts on revert data no ABI knows, and on a revert without data", () => {
      expect(classifier.classify({ code: "CALL_EXCEPTION", data: "0xdeadbeef00" })).to.deep.equal({ errorClass: "never", reason: "unrecognised revert data 0xdeadbeef" });
      const bare = makeError("execution reverted", "CALL_EXCEPTION", { action: "call", data: null, reason: null, transaction: { to: null, data: "0x" }, invocation: null, revert: null });
      expect(classifier.classify(bare).errorClass).to.equal("never");
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
    it("fall back by pattern, rate limits before bounds, unknown → never", () => {
      expect(classOfErrorName("Vamm_SomeNewCooldown")).to.equal("nextBlock");
      expect(classOfErrorName("Vamm_NewDailyCapExceeded")).to.equal("nextBlock");
      expect(classOfErrorName("Vamm_SomethingTooLarge")).to.equal("never");
      expect(classOfErrorName("Whatever")).to.equal("never");
    });
  });
});
