import { readdirSync } from "node:fs";

/** Every example project (examples/<name>), sorted. */
export function exampleNames(): string[] {
  return readdirSync("examples", { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/**
 * The examples whose pipelines run the starlake command where the runner is (the shell), which
 * the plain Airflow and Dagster environments load and run. examples/cloud needs the cloud
 * providers and APIs: tests/examples/cloud-example.test.ts and the cloud runs test it.
 */
export function shellExampleNames(): string[] {
  return exampleNames().filter((name) => name !== "cloud");
}
