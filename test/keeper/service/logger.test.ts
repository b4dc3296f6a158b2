import { expect } from "chai";
import { Writable } from "node:stream";
import { createFormattedLogger } from "../../../keeper/service/logger";

describe("keeper logger formats", () => {
  function capture(format: "json" | "pretty"): { lines: string[]; log: ReturnType<typeof createFormattedLogger> } {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    return { lines, log: createFormattedLogger("info", format, sink) };
  }

  it("json: one JSON object per line with service and the child's market", () => {
    const { lines, log } = capture("json");
    log.child({ market: "ETH-PERP" }).info({ decisionId: 7 }, "hook confirmed");
    expect(JSON.parse(lines.join(""))).to.include({ service: "damm-keeper", market: "ETH-PERP", decisionId: 7, msg: "hook confirmed" });
  });

  it("pretty: one human line — level, [market] message, the other fields — no JSON, no colour codes when not a TTY", async () => {
    const { lines, log } = capture("pretty");
    log.child({ market: "ETH-PERP" }).warn({ cause: "stale-oracle", ticks: 5 }, "unhealthy: the keeper cannot act");
    await new Promise((r) => setImmediate(r));
    const out = lines.join("");
    expect(out).to.match(/^\[\d{2}:\d{2}:\d{2}\.\d{3}\] WARN: \[ETH-PERP\] unhealthy: the keeper cannot act \{"cause":"stale-oracle","ticks":5\}\n$/);
  });

  it("respects the level (debug lines hidden at info)", async () => {
    const { lines, log } = capture("pretty");
    log.debug({ outcome: "same-slot" }, "tick");
    await new Promise((r) => setImmediate(r));
    expect(lines).to.deep.equal([]);
  });
});
