/**
 * PostgreSQL for the tests that need it (the redundant keepers' shared journal). In order:
 *   1. DAMM_TEST_PG_URL (a server you run; each test gets its own fresh database in it);
 *   2. a server already answering on 127.0.0.1:55432 (e.g. the one .ci/run starts);
 *   3. a throwaway cluster started here from Debian's binaries (/usr/lib/postgresql/<v>/bin) in a
 *      temporary directory on port 55432, as the `postgres` user when run as root (initdb refuses
 *      root), stopped and removed at the end of the run.
 * Without any of them a suite skips with a loud notice naming Debian's `postgresql` package,
 * except under CI, where it must run.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "pg";

export const TEST_PG_PORT = 55432;
const LOCAL_ADMIN_URL = `postgres://postgres@127.0.0.1:${TEST_PG_PORT}/postgres`;

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

async function answers(url: string): Promise<boolean> {
  const c = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await c.connect();
    await c.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

let cluster: { adminUrl: string; stop: () => void } | undefined;

/** Starts (once per run) or finds the server; returns an admin URL. */
async function server(): Promise<string> {
  if (process.env.DAMM_TEST_PG_URL) return process.env.DAMM_TEST_PG_URL;
  if (cluster) return cluster.adminUrl;
  if (await answers(LOCAL_ADMIN_URL)) return LOCAL_ADMIN_URL;
  const bin = pgBinDir();
  if (!bin) throw new Error("PostgreSQL is required under CI: install Debian's package `postgresql` (or set DAMM_TEST_PG_URL)");
  const dir = mkdtempSync(join(tmpdir(), "damm-pg-"));
  chmodSync(dir, 0o777);
  const data = join(dir, "data");
  const asRoot = process.getuid?.() === 0;
  // initdb and postgres refuse to run as root: run them as Debian's `postgres` user.
  const run = (cmd: string, args: string[]) =>
    asRoot ? execFileSync("runuser", ["-u", "postgres", "--", join(bin, cmd), ...args], { stdio: "pipe" }) : execFileSync(join(bin, cmd), args, { stdio: "pipe" });
  run("initdb", ["-D", data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"]);
  run("pg_ctl", ["-D", data, "-l", join(dir, "log"), "-w", "-t", "60", "-o", `-p ${TEST_PG_PORT} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, "start"]);
  const stop = () => {
    try {
      run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
    } catch {
      // already gone
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", stop);
  cluster = { adminUrl: LOCAL_ADMIN_URL, stop };
  return LOCAL_ADMIN_URL;
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
