/**
 * PostgreSQL for the tests that need it (the redundant keepers' shared journal). In order:
 *   1. DAMM_TEST_PG_URL (a server you run; each test gets its own fresh database in it);
 *   2. a throwaway cluster started here from Debian's binaries (/usr/lib/postgresql/<v>/bin) in a
 *      temporary directory on a port the OS reports free, as the `postgres` user when run as root
 *      (initdb refuses root), stopped and removed at the end of the run. A start that fails is
 *      retried on a new port and directory, and if every attempt fails the error carries each
 *      attempt's server log. (The port was once fixed, 55432: two test runs on one machine then
 *      failed with "could not bind ... Address already in use".)
 * Without any of them a suite skips with a loud notice naming Debian's `postgresql` package,
 * except under CI, where it must run.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "pg";

const START_ATTEMPTS = 3;

function pgBinDir(): string | undefined {
  const base = "/usr/lib/postgresql";
  if (existsSync(base)) {
    for (const v of readdirSync(base).sort((a, b) => Number(b) - Number(a))) {
      if (existsSync(join(base, v, "bin", "initdb"))) return join(base, v, "bin");
    }
  }
  const which = spawnSync("sh", ["-c", "command -v initdb"], { encoding: "utf8" });
  const found = which.stdout.trim();
  return found ? join(found, "..") : undefined;
}

/** True when the suite may run; false (after a loud notice) when it must skip on this machine. */
export function postgresAvailable(what: string): boolean {
  if (process.env.DAMM_TEST_PG_URL || pgBinDir() || process.env.CI) return true;
  console.warn(
    `\n*** NOTICE: no PostgreSQL found (no DAMM_TEST_PG_URL, no initdb), so the ${what} does not run here.\n` +
      `*** Install Debian's package \`postgresql\` (apt-get install -y postgresql) or set DAMM_TEST_PG_URL; under CI it is required.\n`,
  );
  return false;
}

/** A TCP port on 127.0.0.1 that the OS reports free right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port from the OS"))));
    });
  });
}

type Cluster = { adminUrl: string; stop: () => void };

/** One attempt: initdb and start a cluster in a fresh temporary directory on `port`. */
function startCluster(bin: string, port: number): Cluster {
  const dir = mkdtempSync(join(tmpdir(), "damm-pg-"));
  chmodSync(dir, 0o777);
  const data = join(dir, "data");
  const logFile = join(dir, "log");
  const asRoot = process.getuid?.() === 0;
  // initdb and postgres refuse to run as root: run them as Debian's `postgres` user.
  const run = (cmd: string, args: string[]) =>
    asRoot ? execFileSync("runuser", ["-u", "postgres", "--", join(bin, cmd), ...args], { stdio: "pipe" }) : execFileSync(join(bin, cmd), args, { stdio: "pipe" });
  const stop = () => {
    try {
      run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
    } catch {
      // not running (never started, or already gone)
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    run("initdb", ["-D", data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"]);
    run("pg_ctl", ["-D", data, "-l", logFile, "-w", "-t", "60", "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, "start"]);
  } catch (err) {
    const serverLog = existsSync(logFile) ? readFileSync(logFile, "utf8").trim() : "(no server log written)";
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim() ?? "";
    stop();
    throw new Error(`port ${port}: ${(err as Error).message.split("\n")[0]}\n${stderr}\nserver log:\n${serverLog}`);
  }
  return { adminUrl: `postgres://postgres@127.0.0.1:${port}/postgres`, stop };
}

let cluster: Cluster | undefined;

/** Starts (once per run) or finds the server; returns an admin URL. */
async function server(): Promise<string> {
  if (process.env.DAMM_TEST_PG_URL) return process.env.DAMM_TEST_PG_URL;
  if (cluster) return cluster.adminUrl;
  const bin = pgBinDir();
  if (!bin) throw new Error("PostgreSQL is required under CI: install Debian's package `postgresql` (or set DAMM_TEST_PG_URL)");
  const failures: string[] = [];
  for (let attempt = 1; attempt <= START_ATTEMPTS && !cluster; attempt++) {
    try {
      cluster = startCluster(bin, await freePort());
    } catch (err) {
      failures.push(`attempt ${attempt}, ${(err as Error).message}`);
    }
  }
  if (!cluster) throw new Error(`could not start a throwaway PostgreSQL cluster from ${bin}:\n${failures.join("\n\n")}`);
  process.once("exit", cluster.stop);
  return cluster.adminUrl;
}

/** A fresh, empty database for one test; `drop()` removes it. */
export async function freshDatabase(prefix = "damm_test"): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = await server();
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
  const c = new Client({ connectionString: admin });
  await c.connect();
  try {
    await c.query(`CREATE DATABASE ${name}`);
  } finally {
    await c.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const d = new Client({ connectionString: admin });
      await d.connect();
      try {
        await d.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await d.end();
      }
    },
  };
}
