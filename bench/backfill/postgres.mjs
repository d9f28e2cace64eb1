// A throw-away PostgreSQL server for bench/backfill: initdb into a temporary folder, started on
// 127.0.0.1 with a free port, stopped and deleted by stop(). PostgreSQL refuses to run as root, so
// as root it runs as the `postgres` user of Debian's package (or `nobody`).
import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The server binaries: $PG_BIN, else the newest /usr/lib/postgresql/<major>/bin. */
function binaries() {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = "/usr/lib/postgresql";
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, "bin/initdb")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (majors.length === 0)
    throw new Error(
      "bench/backfill: no PostgreSQL server binaries (apt-get install postgresql-15, or set PG_BIN)",
    );
  return join(root, majors[0], "bin");
}

function account() {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ["postgres", "nobody"]) {
    try {
      const id = (flag) => Number(execFileSync("id", [flag, name], { encoding: "utf8" }).trim());
      return { name, uid: id("-u"), gid: id("-g") };
    } catch {}
  }
  throw new Error(
    "bench/backfill: running as root and no postgres or nobody user to run PostgreSQL",
  );
}

/** Starts the server on `port`; returns its Dagster storage URL, its version and stop(). */
export function startPostgres(port) {
  const bin = binaries();
  const user = account();
  const dir = mkdtempSync(join(tmpdir(), "slo-bench-pg-"));
  chmodSync(dir, 0o700);
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, "data");
  const asServer = (tool, args) =>
    user
      ? execFileSync("runuser", ["-u", user.name, "--", join(bin, tool), ...args], {
          stdio: "ignore",
        })
      : execFileSync(join(bin, tool), args, { stdio: "ignore" });
  const stop = () => {
    try {
      asServer("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
    } catch {}
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    asServer("initdb", ["-D", data, "-U", "dagster", "--auth=trust", "-E", "UTF8", "--no-sync"]);
    asServer("pg_ctl", [
      "-D",
      data,
      "-l",
      join(dir, "server.log"),
      "-w",
      "-o",
      `-h 127.0.0.1 -p ${port} -k ${dir}`,
      "start",
    ]);
    execFileSync(join(bin, "createdb"), [
      "-h",
      "127.0.0.1",
      "-p",
      String(port),
      "-U",
      "dagster",
      "dagster",
    ]);
  } catch (e) {
    stop();
    throw e;
  }
  const version = execFileSync(join(bin, "postgres"), ["--version"], { encoding: "utf8" }).trim();
  // SQLAlchemy 2.1 takes a bare postgresql:// to mean psycopg 3; dagster-postgres ships psycopg2.
  return { url: `postgresql+psycopg2://dagster@127.0.0.1:${port}/dagster`, version, stop };
}
