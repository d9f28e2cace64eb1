import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { ConfigError, SloError } from "../errors.js";

type VerbBuilder = () => Command;

/**
 * Each verb's module and the builders it exports. Only the module of the verb being run is
 * loaded (a verb's module brings its whole part of slo: the engine, the remote clients, the
 * renderers), so `slo validate` does not pay for loading `slo serve`; help and unknown verbs load
 * them all.
 */
const VERBS: ReadonlyArray<
  readonly [verbs: readonly string[], load: () => Promise<VerbBuilder[]>]
> = [
  [["validate"], async () => [(await import("./validate.js")).validateCommand]],
  [["plan"], async () => [(await import("./plan.js")).planCommand]],
  [["graph"], async () => [(await import("./graph.js")).graphCommand]],
  [["generate"], async () => [(await import("./generate.js")).generateCommand]],
  [["run"], async () => [(await import("./run.js")).runCommand]],
  [["serve"], async () => [(await import("./serve.js")).serveCommand]],
  [
    ["runs", "logs"],
    async () => {
      const m = await import("./runs.js");
      return [m.runsCommand, m.logsCommand];
    },
  ],
  [
    ["cancel", "mark", "retry"],
    async () => {
      const m = await import("./run-controls.js");
      return [m.cancelCommand, m.markCommand, m.retryCommand];
    },
  ],
  [["trigger"], async () => [(await import("./trigger.js")).triggerCommand]],
  [["status"], async () => [(await import("./status.js")).statusCommand]],
  [["backfill"], async () => [(await import("./backfill.js")).backfillCommand]],
];

const { version } = JSON.parse(
  readFileSync(new URL("../../package.json", import.meta.url), "utf8"),
) as { version: string };

/**
 * Builds the `slo` program with the verb `argv` names (all verbs when it names none it knows:
 * help, a mistyped verb, no verb). Exported so tests can run verbs in-process.
 */
export async function program(argv: readonly string[] = []): Promise<Command> {
  const slo = new Command("slo")
    .description(
      "Orchestrate Starlake pipelines: read a project, plan it, draw it, generate Airflow DAG files and Dagster definitions, run it on this machine, drive runs on remote Airflow and Dagster.",
    )
    .version(version, "-V, --version")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  const named = argv.find((a) => !a.startsWith("-"));
  const one = VERBS.find(([verbs]) => named !== undefined && verbs.includes(named));
  const builders = (await Promise.all((one ? [one] : VERBS).map(([, load]) => load()))).flat();
  for (const build of builders) {
    slo.addCommand(build().exitOverride().showHelpAfterError("(run with --help for usage)"));
  }
  return slo;
}

/** Runs the CLI: one line per error, exit 2 for bad input, no stack trace unless SLO_DEBUG is set. */
export async function main(argv: readonly string[]): Promise<number> {
  process.exitCode = 0;
  try {
    await (await program(argv)).parseAsync([...argv], { from: "user" });
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
