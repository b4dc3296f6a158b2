/**
 * `npm run dev [-- --scenario F] [--days N] [--port P] [--for S]`: the README's local flow in one
 * command — a fresh `npx hardhat node`, `npm run deploy` for the scenario, `npm run traders`
 * (the episode, then it keeps feeding the oracle and mining), and `npm run keeper` with
 * pretty logs once the traders feed. The keeper's key is random, made for this run only: the
 * deployment names its address as the keeper and the node funds it.
 * Ctrl-C (or `--for` seconds) stops the keeper first (it finishes its tick), then the traders,
 * then the node; the journal and the deployment files stay under out/.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { Command } from "commander";
import { JsonRpcProvider, Wallet } from "ethers";

const ROOT = path.resolve(__dirname, "..");

const program = new Command()
  .name("dev")
  .option("--scenario <file>", "scenario (market start, trader mix, oracle path)", "scenarios/train/gbm-calm.json")
  .option("--days <n>", "simulated days of on-chain trading before the keeper starts", "0.25")
  .option("--port <n>", "node port", "8545")
  .option("--metrics-port <n>", "keeper /metrics + /healthz port", "9464")
  .option("--for <seconds>", "stop by itself after this long (default: until Ctrl-C)")
  .parse(process.argv);

interface Proc {
  readonly name: string;
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
}

const procs: Proc[] = [];

function start(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv, onLine?: (line: string) => void): Proc {
  // Own process group: a terminal's Ctrl-C reaches this script only, which stops the rest in order.
  const child = spawn(cmd, args, { cwd: ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const prefix = `[${name}] `;
  for (const stream of [child.stdout!, child.stderr!]) {
    let buf = "";
    stream.on("data", (d: Buffer) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        process.stdout.write(`${prefix}${line}\n`);
        onLine?.(line);
      }
    });
  }
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const p = { name, child, exited };
  procs.push(p);
  return p;
}

async function stop(p: Proc, graceMs = 15_000): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  process.kill(-p.child.pid!, "SIGTERM");
  const timer = setTimeout(() => p.child.exitCode === null && process.kill(-p.child.pid!, "SIGKILL"), graceMs);
  await p.exited;
  clearTimeout(timer);
}

async function waitForRpc(url: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }) });
      if (r.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > end) throw new Error(`node at ${url} did not answer within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function mustExit0(p: Proc): Promise<void> {
  const code = await p.exited;
  if (code !== 0) throw new Error(`${p.name} exited with ${code}`);
}

async function main(): Promise<void> {
  const o = program.opts<{ scenario: string; days: string; port: string; metricsPort: string; for?: string }>();
  const rpcUrl = `http://127.0.0.1:${o.port}`;
  const keeper = Wallet.createRandom();
  const env = { ...process.env, RPC_URL: rpcUrl, DAMM_METRICS_PORT: o.metricsPort };
  let stopping = false;
  const stopAll = async (why: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log(`[dev] ${why}: stopping the keeper, the traders, then the node`);
    for (const p of [...procs].reverse()) await stop(p);
    console.log("[dev] stopped");
  };
  process.once("SIGINT", () => void stopAll("Ctrl-C").then(() => process.exit(0)));
  process.once("SIGTERM", () => void stopAll("SIGTERM").then(() => process.exit(0)));

  start("node", "npx", ["hardhat", "node", "--port", o.port], env);
  await waitForRpc(rpcUrl, 60_000);
  await mustExit0(start("deploy", "npm", ["run", "-s", "deploy", "--", "--network", "localhost", "--scenario", o.scenario], { ...env, DAMM_DEPLOY_KEEPER: keeper.address }));
  // Gas for the run's own keeper key (a local node's cheat code; nothing else knows this key).
  await new JsonRpcProvider(rpcUrl).send("hardhat_setBalance", [keeper.address, "0x56BC75E2D63100000"]);
  let feeding!: () => void;
  const fed = new Promise<void>((r) => (feeding = r));
  const traders = start("traders", "npm", ["run", "-s", "traders", "--", "--network", "localhost", "--scenario", o.scenario, "--days", o.days], env, (l) => {
    if (l.startsWith("feeding the oracle")) feeding();
  });
  await Promise.race([fed, traders.exited.then((c) => Promise.reject(new Error(`traders exited with ${c} before feeding the oracle`)))]);
  start("keeper", "npm", ["run", "-s", "keeper", "--", "--network", "localhost", "--log-format", "pretty"], { ...env, DAMM_KEEPER_KEY: keeper.privateKey });
  console.log(`[dev] running: node ${rpcUrl}, keeper ${keeper.address}, http://127.0.0.1:${o.metricsPort}/healthz; npm run keeper -- status --network localhost (RPC_URL=${rpcUrl}) in another terminal; Ctrl-C stops everything`);
  if (o.for !== undefined) {
    await new Promise((r) => setTimeout(r, Number(o.for) * 1000));
    await stopAll(`--for ${o.for} s elapsed`);
    process.exit(0);
  }
}

main().catch(async (e: unknown) => {
  console.error(`[dev] ${(e as Error).message}`);
  for (const p of [...procs].reverse()) await stop(p, 5_000);
  process.exit(1);
});
