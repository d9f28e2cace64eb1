import { execFileSync } from "node:child_process";

const cache = new Map<string, string>();

/** The cached virtual environment of scripts/python/<name>-requirements.txt, created on first use. */
export function pythonEnv(
  name: "airflow" | "airflow-cloud" | "dagster" | "dagster-cloud" | "airflow-reference" | "duckdb",
): string {
  const known = cache.get(name);
  if (known) return known;
  const dir = execFileSync("bash", ["scripts/python-env.sh", name], {
    encoding: "utf8",
    timeout: 900_000,
    stdio: ["ignore", "pipe", "inherit"],
  }).trim();
  cache.set(name, dir);
  return dir;
}
