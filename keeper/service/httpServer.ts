import http from "node:http";
import type { AddressInfo } from "node:net";
import type { KeeperMetrics } from "./metrics";
import { DASHBOARD_DATA_PATH, dashboardHtml } from "./dashboard/dashboardPage";

/** What /healthz reports per job. */
export interface HealthReport {
  readonly healthy: boolean;
  readonly jobs: ReadonlyArray<{ readonly name: string; readonly healthy: boolean; readonly reason?: string }>;
}

/**
 * /metrics (Prometheus text), /healthz (200 when every job is healthy, 503 otherwise, JSON
 * body saying which job is not and why) and, when given its data source, /dashboard (a page
 * polling /dashboard/data.json). Bound to 127.0.0.1 only: it is for a local scraper, sidecar or
 * an operator's SSH tunnel, never the internet.
 */
export class OpsServer {
  private server?: http.Server;
  private page?: string;

  constructor(
    private readonly metrics: KeeperMetrics,
    private readonly health: () => Promise<HealthReport> | HealthReport,
    private readonly dashboard?: () => Promise<unknown>,
  ) {}

  async start(port: number, host = "127.0.0.1"): Promise<number> {
    const server = http.createServer((req, res) => void this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => resolve());
    });
    return (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    try {
      const url = (req.url ?? "/").split("?")[0];
      if (req.method !== "GET") return send(res, 405, "text/plain", "method not allowed\n");
      if (url === "/metrics") return send(res, 200, this.metrics.registry.contentType, await this.metrics.registry.metrics());
      if (url === "/healthz") {
        const report = await this.health();
        return send(res, report.healthy ? 200 : 503, "application/json", JSON.stringify(report));
      }
      if (this.dashboard && (url === "/dashboard" || url === "/dashboard/")) return send(res, 200, "text/html; charset=utf-8", (this.page ??= dashboardHtml()));
      // Browsers ask for an icon; an empty answer rather than a 404 logged in the console.
      if (this.dashboard && url === "/favicon.ico") return send(res, 204, "image/x-icon", "");
      if (this.dashboard && url === DASHBOARD_DATA_PATH) return send(res, 200, "application/json", JSON.stringify(await this.dashboard()));
      send(res, 404, "text/plain", "not found\n");
    } catch (e) {
      send(res, 500, "text/plain", `error: ${(e as Error).message}\n`);
    }
  }
}

function send(res: http.ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { "content-type": contentType, "cache-control": "no-store" });
  res.end(body);
}
