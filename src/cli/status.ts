import { Command } from "commander";
import { printableJson } from "../pipeline/printable.js";
import { followRun, runStatus } from "../remote/run-status.js";
import { pollMs, type RemoteFlags, remoteClient, withRemoteOptions } from "./remote-flags.js";
import { runDetailText } from "./remote-view.js";

export function statusCommand(): Command {
  return withRemoteOptions(
    new Command("status")
      .description(
        "show a remote run's state (and its Airflow tasks); exit 0 if it succeeded or is still going, 1 if it failed or was canceled",
      )
      .argument("<run>", "run reference printed by slo trigger: a Dagster run id, or DAG_ID/RUN_ID")
      .option("--wait", "follow the run to its end first"),
  ).action(async (ref: string, flags: RemoteFlags & { wait?: boolean }) => {
    const remote = remoteClient(flags);
    const every = pollMs(flags);
    const detail = flags.wait ? await followRun(remote, ref, every) : await runStatus(remote, ref);
    process.stdout.write(flags.json ? `${printableJson(detail, 2)}\n` : runDetailText(detail));
    if (detail.state === "failed" || detail.state === "canceled") process.exitCode = 1;
  });
}
