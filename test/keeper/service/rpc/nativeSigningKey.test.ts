import { expect } from "chai";
import fc from "fast-check";
import { SigningKey, Wallet, toBeHex } from "ethers";
import { NativeSigningKey, keeperSigningKey, nativeSigning } from "../../../../keeper/service/rpc/nativeSigningKey";

/** The secp256k1 group order: private keys are 1 … N − 1. */
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const key = fc.bigInt({ min: 1n, max: N - 1n }).map((k) => toBeHex(k, 32));
const digest = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => toBeHex(BigInt(`0x${Buffer.from(b).toString("hex")}`), 32));

describe("NativeSigningKey (libsecp256k1)", function () {
  before(function () {
    // The keeper itself falls back to ethers' signer without the addon; the suite needs it, or it
    // would compare ethers with itself. npm ci installs it (prebuilt for linux-x64, else built).
    if (!nativeSigning) {
      throw new Error("the secp256k1 native addon (npm package secp256k1, require('secp256k1/bindings')) did not load: reinstall it with `npm ci`");
    }
  });

  it("keeperSigningKey signs natively when the addon loads", () => {
    expect(keeperSigningKey(toBeHex(1n, 32))).to.be.instanceOf(NativeSigningKey);
  });

  it("signs the same bytes as ethers' SigningKey for random keys and digests", () => {
    fc.assert(
      fc.property(key, digest, (k, d) => {
        expect(keeperSigningKey(k).sign(d).serialized).to.equal(new SigningKey(k).sign(d).serialized);
      }),
      { numRuns: 2_000 },
    );
  });

  it("agrees at the edges: digests 0, N − 1, N, 2²⁵⁶ − 1 and keys 1, N − 1", () => {
    const digests = [0n, 1n, N - 1n, N, N + 1n, 2n ** 256n - 1n].map((x) => toBeHex(x, 32));
    for (const k of [1n, 2n, N - 2n, N - 1n].map((x) => toBeHex(x, 32))) {
      for (const d of digests) expect(keeperSigningKey(k).sign(d).serialized, `key ${k} digest ${d}`).to.equal(new SigningKey(k).sign(d).serialized);
    }
  });

  it("agrees for digests at and above the group order (where the native nonce seed would differ)", () => {
    fc.assert(
      fc.property(key, fc.bigInt({ min: N - 1_000n, max: 2n ** 256n - 1n }), (k, d) => {
        const hex = toBeHex(d, 32);
        expect(keeperSigningKey(k).sign(hex).serialized).to.equal(new SigningKey(k).sign(hex).serialized);
      }),
      { numRuns: 300 },
    );
  });

  it("signs EIP-1559 transactions byte-identically through Wallet", async () => {
    await fc.assert(
      fc.asyncProperty(
        key,
        fc.record({
          nonce: fc.nat({ max: 2 ** 32 }),
          gasLimit: fc.bigInt({ min: 21_000n, max: 30_000_000n }),
          maxPriorityFeePerGas: fc.bigInt({ min: 0n, max: 10n ** 12n }),
          extraFeePerGas: fc.bigInt({ min: 0n, max: 10n ** 13n }),
          data: fc.uint8Array({ maxLength: 68 }).map((b) => `0x${Buffer.from(b).toString("hex")}`),
        }),
        async (k, { extraFeePerGas, ...tx }) => {
          const maxFeePerGas = tx.maxPriorityFeePerGas + extraFeePerGas; // ethers refuses priority > max
          const req = { type: 2, chainId: 31337n, to: "0x5FbDB2315678afecb367f032d93F642f64180aa3", value: 0n, maxFeePerGas, ...tx };
          expect(await new Wallet(keeperSigningKey(k)).signTransaction(req)).to.equal(await new Wallet(k).signTransaction(req));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("rejects a digest that is not 32 bytes, as ethers does", () => {
    const k = keeperSigningKey(toBeHex(7n, 32));
    expect(() => k.sign("0x1234")).to.throw(/invalid digest length/);
    expect(() => new SigningKey(toBeHex(7n, 32)).sign("0x1234")).to.throw(/invalid digest length/);
  });
});
