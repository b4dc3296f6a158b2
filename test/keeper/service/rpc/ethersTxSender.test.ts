import { expect } from "chai";
import fc from "fast-check";
import { type AbstractProvider, Wallet, keccak256, toBeHex } from "ethers";
import { EthersTxSender } from "../../../../keeper/service/rpc/ethersTxSender";
import { keeperSigningKey } from "../../../../keeper/service/rpc/nativeSigningKey";

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const CHAIN_ID = 31337n;

/** The production sender with the node replaced: a fixed nonce, and the broadcast captured. */
class CapturingSender extends EthersTxSender {
  broadcasted: string[] = [];
  constructor(wallet: Wallet, private readonly nonce: number) {
    super({ getNetwork: async () => ({ chainId: CHAIN_ID }) } as unknown as AbstractProvider, wallet);
  }
  protected override async nextNonce(): Promise<number> {
    return this.nonce;
  }
  protected override async broadcast(signed: string): Promise<void> {
    this.broadcasted.push(signed);
  }
}

describe("EthersTxSender signing", () => {
  it("broadcasts exactly what Wallet.signTransaction signs, its hash and nonce reported before the broadcast", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.bigInt({ min: 1n, max: N - 1n }),
        fc.nat({ max: 2 ** 32 }),
        fc.record({
          to: fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => `0x${Buffer.from(b).toString("hex")}`),
          data: fc.uint8Array({ maxLength: 68 }).map((b) => `0x${Buffer.from(b).toString("hex")}`),
          gasLimit: fc.bigInt({ min: 21_000n, max: 30_000_000n }),
          maxPriorityFeePerGas: fc.bigInt({ min: 0n, max: 10n ** 12n }),
          extra: fc.bigInt({ min: 0n, max: 10n ** 13n }),
        }),
        async (k, nonce, { extra, ...r }) => {
          const key = toBeHex(k, 32);
          const req = { ...r, maxFeePerGas: r.maxPriorityFeePerGas + extra };
          const sender = new CapturingSender(new Wallet(keeperSigningKey(key)), nonce);
          const journaled: [string, number, number][] = [];
          const sent = await sender.send(req, (hash, n) => void journaled.push([hash, n, sender.broadcasted.length]));
          const expected = await new Wallet(key).signTransaction({ type: 2, chainId: CHAIN_ID, nonce, value: 0n, ...req });
          expect(sender.broadcasted).to.deep.equal([expected]);
          expect(sent).to.deep.equal({ hash: keccak256(expected), nonce });
          expect(journaled).to.deep.equal([[keccak256(expected), nonce, 0]]); // before the broadcast
        },
      ),
      { numRuns: 200 },
    );
  });
});
