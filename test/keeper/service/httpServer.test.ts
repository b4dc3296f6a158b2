import { expect } from "chai";
import { OpsServer, type HealthReport } from "../../../keeper/service/httpServer";
import { KeeperMetrics } from "../../../keeper/service/metrics";

describe("ops server (/metrics, /healthz)", () => {
  let server: OpsServer;
  let port: number;
  let health: HealthReport;
  const metrics = new KeeperMetrics();
  beforeEach(async () => {
    health = { healthy: true, jobs: [{ name: "ETH-PERP", healthy: true }] };
    server = new OpsServer(metrics, () => health);
    port = await server.start(0);
  });
  afterEach(() => server.stop());

  it("serves every keeper metric in Prometheus text format", async () => {
    metrics.ticks.inc({ market: "ETH-PERP", outcome: "ok" });
    metrics.decisions.inc({ market: "ETH-PERP", action: "repeg", status: "confirmed" });
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(res.status).to.equal(200);
    const body = await res.text();
    for (const name of ["damm_keeper_ticks_total", "damm_keeper_decisions_total", "damm_keeper_tx_sent_total", "damm_keeper_tx_failed_total", "damm_keeper_gas_used_total", "damm_keeper_market_budget", "damm_keeper_mark_oracle_gap_bps", "damm_keeper_tick_duration_seconds", "damm_keeper_job_halted"]) {
      expect(body).to.contain(`# TYPE ${name}`);
    }
    expect(body).to.contain('damm_keeper_decisions_total{market="ETH-PERP",action="repeg",status="confirmed"} 1');
  });

  it("answers /healthz 200 when every job is healthy and 503 with the reason otherwise", async () => {
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).to.equal(200);
    health = { healthy: false, jobs: [{ name: "ETH-PERP", healthy: false, reason: "halted: preview refused: Vamm_Paused()" }] };
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(res.status).to.equal(503);
    expect(await res.json()).to.deep.equal(health);
  });

  it("listens on 127.0.0.1 only and 404s other paths", async () => {
    expect((await fetch(`http://127.0.0.1:${port}/nope`)).status).to.equal(404);
    const addr = (server as unknown as { server: { address(): { address: string } } }).server.address();
    expect(addr.address).to.equal("127.0.0.1");
  });

  it("serves no dashboard unless given its data source", async () => {
    expect((await fetch(`http://127.0.0.1:${port}/dashboard`)).status).to.equal(404);
    expect((await fetch(`http://127.0.0.1:${port}/dashboard/data.json`)).status).to.equal(404);
  });

  describe("with the dashboard", () => {
    let dash: OpsServer;
    let dashPort: number;
    let answer: unknown = { markets: [] };
    beforeEach(async () => {
      dash = new OpsServer(metrics, () => health, async () => answer);
      dashPort = await dash.start(0);
    });
    afterEach(() => dash.stop());

    it("serves the self-contained page (uPlot inlined, nothing fetched from elsewhere) and its data, uncached", async () => {
      const page = await fetch(`http://127.0.0.1:${dashPort}/dashboard`);
      expect([page.status, page.headers.get("content-type"), page.headers.get("cache-control")]).to.deep.equal([200, "text/html; charset=utf-8", "no-store"]);
      const html = await page.text();
      expect(html).to.contain("uPlot");
      expect(html).to.contain("/dashboard/data.json");
      expect(html.match(/\b(src|href)=["']?https?:/g)).to.equal(null);
      answer = { markets: [{ name: "ETH-PERP" }] };
      const data = await fetch(`http://127.0.0.1:${dashPort}/dashboard/data.json`);
      expect([data.status, data.headers.get("content-type")]).to.deep.equal([200, "application/json"]);
      expect(await data.json()).to.deep.equal(answer);
    });

    it("answers 500 naming the error when the data cannot be built", async () => {
      const failing = new OpsServer(metrics, () => health, async () => Promise.reject(new Error("journal database: connection refused")));
      const p = await failing.start(0);
      try {
        const res = await fetch(`http://127.0.0.1:${p}/dashboard/data.json`);
        expect([res.status, await res.text()]).to.deep.equal([500, "error: journal database: connection refused\n"]);
      } finally {
        await failing.stop();
      }
    });
  });
});
