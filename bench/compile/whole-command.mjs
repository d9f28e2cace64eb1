// One `slo` command as users run it, process start to exit: wall time and the peak RSS of the
// process (GNU time's %M, in KB), with its output thrown away. Usage:
//   node whole-command.mjs <project> validate|plan
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const bin = join(here, "..", "..", "dist", "cli", "bin.js");

/** Median wall time and largest peak RSS of `runs` fresh processes of `slo <verb> <project>`. */
export function wholeCommand(project, verb, runs = 3) {
  const args = verb === "plan" ? ["plan", project, "--json"] : ["validate", project];
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    const r = spawnSync("/usr/bin/time", ["-f", "%M", process.execPath, bin, ...args], {
      encoding: "utf8",
      env: { ...process.env, SL_ROOT: "/srv/bench" },
      maxBuffer: 1 << 30,
      timeout: 300_000,
    });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (r.status !== 0) throw new Error(`slo ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
    const kb = Number(r.stderr.trim().split("\n").pop());
    samples.push({ ms, rssMB: kb / 1024 });
  }
  samples.sort((a, b) => a.ms - b.ms);
  return {
    ms: samples[Math.floor(runs / 2)].ms,
    rssMB: Math.max(...samples.map((s) => s.rssMB)),
  };
}
