// One measurement in a fresh process: read + validate + compile a project with the built library.
// Prints JSON: wall time, peak RSS, counts. Usage: node measure.mjs <project>
import { performance } from "node:perf_hooks";
import { planProject } from "../../dist/index.js";

const start = performance.now();
const { pipelines, diagnostics } = await planProject(process.argv[2], {
  vars: { SL_ROOT: "/srv/bench" },
});
const ms = performance.now() - start;
const errors = diagnostics.filter((d) => d.severity === "error");
if (errors.length > 0) {
  console.error(errors.slice(0, 5));
  process.exit(1);
}
const tasks = pipelines.reduce((n, p) => n + p.tasks.length, 0);
console.log(
  JSON.stringify({
    ms,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    pipelines: pipelines.length,
    tasks,
  }),
);
