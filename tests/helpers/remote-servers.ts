import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { pythonEnv } from "./python-env.js";

/** A real orchestrator server started by a test, on 127.0.0.1, in its own process group. */
export interface Server {
  readonly url: string;
  readonly log: string;
  stop(): Promise<void>;
}

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

function startGroup(command: string, args: string[], env: NodeJS.ProcessEnv, log: string) {
  const fd = openSync(log, "a");
  // The timeout is a safety net for a run that dies before stopGroup: no server outlives the suite.
  const child = spawn(command, args, {
    env,
    detached: true,
    stdio: ["ignore", fd, fd],
    timeout: 3_600_000,
  });
  closeSync(fd);
  return child;
}

/** SIGTERM to the whole group, then SIGKILL after a grace period: nothing is left running. */
async function stopGroup(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const alive = () => {
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  try {
    process.kill(-pid, "SIGTERM");
  } catch {
    return;
  }
  for (let i = 0; i < 50 && alive(); i++) await sleep(200);
  if (alive()) process.kill(-pid, "SIGKILL");
  for (let i = 0; i < 50 && alive(); i++) await sleep(100);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, log: string, ready: () => Promise<boolean>, seconds: number) {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    if (await ready().catch(() => false)) return;
    await sleep(500);
  }
  throw new Error(`${what} not ready after ${seconds} s; log tail:\n${tail(log)}`);
}

function tail(log: string): string {
  try {
    return readFileSync(log, "utf8").split("\n").slice(-40).join("\n");
  } catch {
    return "(no log)";
  }
}

/** The test's environment without the workers' paths, which would win over the files' defaults. */
function callerEnv(): NodeJS.ProcessEnv {
  const { SL_ROOT: _r, SL_STARLAKE_PATH: _s, ...rest } = process.env;
  return rest;
}

/**
 * `dagster dev` (webserver and daemon) on definition files, with a persistent SQLite instance in
 * `home`. Ready when every code location has loaded.
 */
export async function startDagster(
  files: readonly string[],
  home: string,
  env: Record<string, string> = {},
): Promise<Server> {
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, "dagster.yaml"), "telemetry:\n  enabled: false\n");
  const venv = pythonEnv("dagster");
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const log = join(home, "dagster-dev.log");
  const args = ["dev", ...files.flatMap((f) => ["-f", f]), "-h", "127.0.0.1", "-p", String(port)];
  const child = startGroup(
    join(venv, "bin/dagster"),
    args,
    { ...callerEnv(), ...env, DAGSTER_HOME: home, PYTHONDONTWRITEBYTECODE: "1" },
    log,
  );
  const server = { url, log, stop: () => stopGroup(child) };
  try {
    await waitFor(
      "dagster dev",
      log,
      async () => {
        const r = await fetch(`${url}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            query:
              "{ locationStatusesOrError { ... on WorkspaceLocationStatusEntries { entries { loadStatus } } } }",
          }),
        });
        const body = (await r.json()) as {
          data?: { locationStatusesOrError?: { entries?: { loadStatus: string }[] } };
        };
        const entries = body.data?.locationStatusesOrError?.entries ?? [];
        return entries.length === files.length && entries.every((e) => e.loadStatus === "LOADED");
      },
      180,
    );
  } catch (e) {
    await server.stop();
    throw e;
  }
  return server;
}

export interface AirflowServer extends Server {
  readonly username: string;
  readonly password: string;
}

/**
 * `airflow standalone` (api-server, scheduler, dag-processor, triggerer) on a DAG folder, SQLite
 * metadata in `home`, a fixed admin password, DAGs paused at creation as Airflow's default.
 * Ready when the health check says every component is healthy and `dagIds` are parsed.
 */
export async function startAirflow(
  dags: string,
  home: string,
  dagIds: readonly string[],
  env: Record<string, string> = {},
  pools: Record<string, number> = {},
): Promise<AirflowServer> {
  mkdirSync(home, { recursive: true });
  const venv = pythonEnv("airflow");
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const password = "not-the-default-pw";
  const passwords = join(home, "passwords.json");
  writeFileSync(passwords, JSON.stringify({ admin: password }));
  const airflowEnv: NodeJS.ProcessEnv = {
    ...callerEnv(),
    ...env,
    PATH: `${join(venv, "bin")}:${process.env.PATH}`,
    AIRFLOW_HOME: home,
    AIRFLOW__CORE__DAGS_FOLDER: dags,
    AIRFLOW__CORE__LOAD_EXAMPLES: "False",
    AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL: "3",
    AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL: "3",
    AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC: "1",
    AIRFLOW__API__HOST: "127.0.0.1",
    AIRFLOW__API__PORT: String(port),
    AIRFLOW__CORE__EXECUTION_API_SERVER_URL: `${url}/execution/`,
    AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS: "admin:admin",
    AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE: passwords,
    AIRFLOW__API_AUTH__JWT_SECRET: "a-local-test-secret",
    PYTHONDONTWRITEBYTECODE: "1",
  };
  const airflow = join(venv, "bin/airflow");
  execFileSync(airflow, ["db", "migrate"], { env: airflowEnv, stdio: "ignore", timeout: 300_000 });
  for (const [pool, slots] of Object.entries(pools))
    execFileSync(airflow, ["pools", "set", pool, String(slots), "test pool"], {
      env: airflowEnv,
      stdio: "ignore",
      timeout: 120_000,
    });
  const log = join(home, "standalone.log");
  const child = startGroup(airflow, ["standalone"], airflowEnv, log);
  const server = { url, log, username: "admin", password, stop: () => stopGroup(child) };
  try {
    await waitFor(
      "airflow standalone",
      log,
      async () => {
        const health = (await (await fetch(`${url}/api/v2/monitor/health`)).json()) as Record<
          string,
          { status?: string }
        >;
        if (
          !["metadatabase", "scheduler", "dag_processor"].every(
            (k) => health[k]?.status === "healthy",
          )
        )
          return false;
        const login = await fetch(`${url}/auth/token`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ username: "admin", password }),
        });
        const { access_token } = (await login.json()) as { access_token: string };
        const dags = (await (
          await fetch(`${url}/api/v2/dags?limit=100`, {
            headers: { authorization: `Bearer ${access_token}` },
          })
        ).json()) as { dags: { dag_id: string }[] };
        const known = new Set(dags.dags.map((d) => d.dag_id));
        return dagIds.every((id) => known.has(id));
      },
      300,
    );
  } catch (e) {
    await server.stop();
    throw e;
  }
  return server;
}
