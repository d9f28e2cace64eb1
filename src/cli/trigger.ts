import { Command } from "commander";
import { printable, printableJson } from "../remote/printable.js";
import { followRun, type RunDetail, trigger } from "../remote/run-status.js";
import { runDateOf } from "./period-text.js";
import {
  confOf,
  pollMs,
  type RemoteFlags,
  remoteClient,
  withRemoteOptions,
} from "./remote-flags.js";
import { runDetailText } from "./remote-view.js";

interface TriggerFlags extends RemoteFlags {
  conf?: string;
  date?: string;
  wait?: boolean;
  unpause?: boolean;
}

export function triggerCommand(): Command {
  return withRemoteOptions(
    new Command("trigger")
      .description(
        "start one run of a pipeline on a remote Airflow (DAG) or Dagster (job) named by a profile; prints the run's reference",
      )
      .argument("<pipeline>", "pipeline id: the DAG id or job name of the generated files")
      .option(
        "--date <day|iso>",
        "the period to run: a day (2024-01-01: that day's tick in the pipeline's time zone) or an instant (the latest tick at or before it); default now; see docs/dates.md",
      )
      .option("--conf <json>", "Airflow conf or Dagster run config, a JSON object")
      .option("--wait", "follow the run to its end; exit 1 if it failed")
      .option("--unpause", "unpause the Airflow DAG first if it is paused"),
  ).action(async (pipeline: string, flags: TriggerFlags) => {
    const remote = remoteClient(flags);
    const date = flags.date === undefined ? undefined : runDateOf(flags.date);
    const conf = confOf(flags.conf);
    const every = pollMs(flags);
    const ref = await trigger(remote, {
      pipeline,
      ...(date ? { date } : {}),
      ...(conf ? { conf } : {}),
      unpause: flags.unpause === true,
    });
    if (!flags.wait) {
      process.stdout.write(
        flags.json ? `${printableJson({ ref, pipeline })}\n` : `${printable(ref)}\n`,
      );
      return;
    }
    process.stderr.write(`${remote.kind} run ${printable(ref)} started\n`);
    const detail: RunDetail = await followRun(remote, ref, every, (d) =>
      process.stderr.write(`${printable(d.ref)}: ${printable(d.serverState)}\n`),
    );
    process.stdout.write(flags.json ? `${printableJson(detail, 2)}\n` : runDetailText(detail));
    if (detail.state !== "success") process.exitCode = 1;
  });
}
