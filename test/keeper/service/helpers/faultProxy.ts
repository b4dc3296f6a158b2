/**
 * A JSON-RPC fault proxy on 127.0.0.1 (random port) between the keeper and a node. While faults are
 * on, each HTTP request (one JSON-RPC call or one batch) independently, from a seeded PRNG:
 * - drop-request  (p/6): the socket is destroyed before forwarding — the node never sees the call;
 * - drop-response (p/6): forwarded, then the socket is destroyed — the call ran, its answer is lost;
 * - delay         (p/3): forwarded after 50–400 ms;
 * - http-error    (p/6): HTTP 503, not forwarded;
 * - rpc-error     (p/6): a JSON-RPC error answer (-32603 "injected fault"), not forwarded.
 * `outage(ms)` stands in for a node restart: it stops listening and resets every open connection
 * (connection refused / reset, as while a node restarts), then listens again on the same port.
 * `intercept` lets a test act on a given method (e.g. SIGKILL the keeper on eth_sendRawTransaction)
 * and choose whether the call still reaches the node.
 */
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";

export type FaultKind = "drop-request" | "drop-response" | "delay" | "http-error" | "rpc-error";
export type InterceptVerdict = "forward" | "drop" | undefined;

export class FaultProxy {
  faultRate = 0;
  intercept?: (methods: readonly string[]) => InterceptVerdict;
  readonly counts: Record<FaultKind | "forwarded" | "refused", number> = { "drop-request": 0, "drop-response": 0, delay: 0, "http-error": 0, "rpc-error": 0, forwarded: 0, refused: 0 };
  readonly methods: string[] = [];
  port = 0;
  private server?: http.Server;
  private readonly sockets = new Set<Socket>();
  private rand: () => number;
  private down = false;

  constructor(private readonly upstream: string, seed: number) {
    this.rand = mulberry32(seed);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(port = 0): Promise<void> {
    const server = http.createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 1_000;
    server.on("connection", (s) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }

  /** Node "restart": refuse and reset everything for `ms`, then serve again on the same port. */
  async outage(ms: number): Promise<void> {
    this.down = true;
    await this.stop();
    await new Promise((r) => setTimeout(r, ms));
    await this.start(this.port);
    this.down = false;
  }

  get isDown(): boolean {
    return this.down;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = {};
    }
    const calls = (Array.isArray(parsed) ? parsed : [parsed]) as { id?: unknown; method?: string }[];
    const methods = calls.map((c) => String(c.method));
    this.methods.push(...methods);
    const verdict = this.intercept?.(methods);
    if (verdict === "drop") {
      this.counts["drop-request"] += 1;
      req.socket.destroy();
      return;
    }
    let fault: FaultKind | undefined;
    if (verdict !== "forward" && this.faultRate > 0 && this.rand() < this.faultRate) {
      const r = this.rand();
      fault = r < 1 / 6 ? "drop-request" : r < 2 / 6 ? "drop-response" : r < 4 / 6 ? "delay" : r < 5 / 6 ? "http-error" : "rpc-error";
      this.counts[fault] += 1;
    }
    if (fault === "drop-request") return void req.socket.destroy();
    if (fault === "http-error") return void send(res, 503, "text/plain", "injected: service unavailable\n");
    if (fault === "rpc-error") {
      const errs = calls.map((c) => ({ jsonrpc: "2.0", id: c.id ?? null, error: { code: -32603, message: "injected fault" } }));
      return void send(res, 200, "application/json", JSON.stringify(Array.isArray(parsed) ? errs : errs[0]));
    }
    if (fault === "delay") await new Promise((r) => setTimeout(r, 50 + Math.floor(this.rand() * 350)));
    let answer: { status: number; body: string };
    try {
      answer = await post(this.upstream, body);
    } catch {
      return void req.socket.destroy();
    }
    this.counts.forwarded += 1;
    if (fault === "drop-response") return void req.socket.destroy();
    send(res, answer.status, "application/json", answer.body);
  }
}

function send(res: http.ServerResponse, status: number, type: string, body: string): void {
  if (res.socket?.destroyed) return;
  res.writeHead(status, { "content-type": type });
  res.end(body);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function post(url: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 500, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Small seeded PRNG (mulberry32): the same seed gives the same fault sequence. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
