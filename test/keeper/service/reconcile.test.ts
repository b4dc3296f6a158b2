import { expect } from "chai";
import { Journal } from "../../../keeper/service/journal/journal";
import { reconcileOpenDecisions } from "../../../keeper/service/reconcile";
import { FakeChain, KEEPER, WAD } from "./helpers/fakes";
import { newDecision, tempJournalPath } from "./helpers/journalFixtures";
import { createLogger } from "../../../keeper/service/logger";

describe("reconciling open decisions after a restart", () => {
  let journal: Journal;
  let chain: FakeChain;
  beforeEach(() => {
    journal = Journal.open(tempJournalPath());
    chain = new FakeChain();
  });
  afterEach(() => journal.close());

  /** A row that was signed and journaled as sent, then the process died. */
  async function sentRow(slot = 100): Promise<{ id: number; hash: string }> {
    const id = journal.insertDecision(newDecision({ slot }))!;
    const { hash } = await chain.send({ to: "0x", data: "0x", gasLimit: 1n, maxFeePerGas: 1n, maxPriorityFeePerGas: 1n }, (h, n) => journal.markSent(id, h, n));
    return { id, hash };
  }

  it("marks a mined successful transaction confirmed, with gas and the hook's cost", async () => {
    const { id, hash } = await sentRow();
    chain.mine(hash, 1);
    expect(await reconcileOpenDecisions(journal, chain, KEEPER)).to.deep.equal([{ id, outcome: "confirmed" }]);
    const r = journal.get(id)!;
    expect([r.status, r.gasUsed, r.cost]).to.deep.equal(["confirmed", "61000", (5n * WAD).toString()]);
  });

  it("marks a mined reverted transaction failed", async () => {
    const { id, hash } = await sentRow();
    chain.mine(hash, 0);
    expect(await reconcileOpenDecisions(journal, chain, KEEPER)).to.deep.equal([{ id, outcome: "failed" }]);
    expect(journal.get(id)!.skipReason).to.equal("reverted on-chain");
  });

  it("leaves a transaction still in the mempool as sent (pending)", async () => {
    const { id } = await sentRow();
    expect(await reconcileOpenDecisions(journal, chain, KEEPER)).to.deep.equal([{ id, outcome: "pending" }]);
    expect(journal.get(id)!.status).to.equal("sent");
  });

  it("fails a vanished transaction whose nonce another transaction consumed", async () => {
    const { id, hash } = await sentRow();
    chain.drop(hash);
    chain.minedNonce = 1; // nonce 0 went to a replacement
    expect(await reconcileOpenDecisions(journal, chain, KEEPER)).to.deep.equal([{ id, outcome: "failed" }]);
    expect(journal.get(id)!.skipReason).to.equal("dropped: nonce 0 consumed by another transaction");
  });

  it("reconciles a vanished transaction whose nonce is unused, freeing the slot for a fresh decision", async () => {
    const { id, hash } = await sentRow();
    chain.drop(hash);
    expect(await reconcileOpenDecisions(journal, chain, KEEPER)).to.deep.equal([{ id, outcome: "dropped" }]);
    const r = journal.get(id)!;
    expect(r.status).to.equal("reconciled");
    expect(r.txHash).to.equal(hash); // the hash stays on record
    expect(journal.hasLiveDecision("ETH-PERP", 100)).to.equal(false);
  });

  it("reconciles a decision interrupted before it was signed", async () => {
    const id = journal.insertDecision(newDecision())!;
    expect(await reconcileOpenDecisions(journal, chain, KEEPER)).to.deep.equal([{ id, outcome: "interrupted" }]);
    expect(journal.get(id)!.skipReason).to.equal("interrupted before the transaction was signed");
  });

  it("only touches the market it is asked about, and leaves finished rows alone", async () => {
    const eth = await sentRow(100);
    const btc = journal.insertDecision(newDecision({ market: "BTC-PERP" }))!;
    const done = journal.insertDecision(newDecision({ slot: 5 }))!;
    journal.markSkipped(done, "hold");
    chain.mine(eth.hash);
    expect(await reconcileOpenDecisions(journal, chain, KEEPER, "ETH-PERP")).to.deep.equal([{ id: eth.id, outcome: "confirmed" }]);
    expect(journal.get(btc)!.status).to.equal("decided");
    expect(journal.get(done)!.status).to.equal("skipped");
  });

  it("needs the keeper address to judge a vanished transaction's nonce", async () => {
    const { hash } = await sentRow();
    chain.drop(hash);
    let err: Error | undefined;
    await reconcileOpenDecisions(journal, chain, undefined).catch((e: Error) => (err = e));
    expect(err?.message).to.match(/without the keeper address/);
  });

  it("logs each reconciled row once with one market key under a job's logger (which carries market)", async () => {
    const { hash } = await sentRow();
    chain.mine(hash, 1);
    const lines: string[] = [];
    const log = createLogger("info", { write: (l: string) => lines.push(l) }).child({ market: "ETH-PERP" });
    await reconcileOpenDecisions(journal, chain, KEEPER, "ETH-PERP", log);
    expect(lines).to.have.length(1);
    expect(lines[0].match(/"market":/g)).to.have.length(1);
    expect(JSON.parse(lines[0])).to.include({ market: "ETH-PERP", outcome: "confirmed", msg: "reconciled open decision" });
  });
});
