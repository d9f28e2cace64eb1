import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { ConfigError, SloError } from "../errors.js";
import { backfillCommand } from "./backfill.js";
import { generateCommand } from "./generate.js";
import { graphCommand } from "./graph.js";
import { planCommand } from "./plan.js";
import { runCommand } from "./run.js";
import { cancelCommand, markCommand, retryCommand } from "./run-controls.js";
import { logsCommand, runsCommand } from "./runs.js";
import { serveCommand } from "./serve.js";
import { statusCommand } from "./status.js";
import { triggerCommand } from "./trigger.js";
import { validateCommand } from "./validate.js";

const { version } = JSON.parse(
  readFileSync(new URL("../../package.json", import.meta.url), "utf8"),
) as { version: string };

/** Builds the `slo` program; exported so tests can run verbs in-process. */
export function program(): Command {
  const slo = new Command("slo")
    .description(
      "Orchestrate Starlake pipelines: read a project, plan it, draw it, generate Airflow DAG files and Dagster definitions, run it on this machine, drive runs on remote Airflow and Dagster.",
    )
    .version(version, "-V, --version")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  for (const verb of [
    validateCommand(),
    planCommand(),
    graphCommand(),
    generateCommand(),
    runCommand(),
    serveCommand(),
    runsCommand(),
    logsCommand(),
    cancelCommand(),
    markCommand(),
    retryCommand(),
    triggerCommand(),
    statusCommand(),
    backfillCommand(),
  ]) {
    slo.addCommand(verb.exitOverride().showHelpAfterError("(run with --help for usage)"));
  }
  return slo;
}

/** Runs the CLI: one line per error, exit 2 for bad input, no stack trace unless SLO_DEBUG is set. */
export async function main(argv: readonly string[]): Promise<number> {
  process.exitCode = 0;
  try {
    await program().parseAsync([...argv], { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      return e.exitCode;
    }
    if (e instanceof SloError) {
      process.stderr.write(`error: ${e.message}\n`);
      return e.exitCode;
    }
    process.stderr.write(`internal error: ${(e as Error)?.message ?? String(e)}\n`);
    if (process.env.SLO_DEBUG) process.stderr.write(`${(e as Error)?.stack}\n`);
    return 70;
  }
}
