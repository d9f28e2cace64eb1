// bench/compile: validate + compile synthetic projects of 100, 1,000 and 10,000 tables (half as
// many transforms), 3 fresh processes each, median time and peak memory; then the whole commands
// as users run them (`slo validate`, `slo plan --json`), process start to exit. Needs `npm run build`.
// Usage: node bench/compile/run.mjs [sizes...]
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateProject } from "./generate.mjs";
import { wholeCommand } from "./whole-command.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const sizes = process.argv.slice(2).map(Number);
const runs = 3;
const rows = [];
for (const tables of sizes.length > 0 ? sizes : [100, 1000, 10000]) {
  const root = join(here, "..", ".work", `compile-${tables}`);
  if (!existsSync(join(root, "metadata"))) generateProject(root, tables);
  const samples = [];
  for (let i = 0; i < runs; i++) {
    samples.push(
      JSON.parse(
        execFileSync(process.execPath, [join(here, "measure.mjs"), root], { encoding: "utf8" }),
      ),
    );
  }
  samples.sort((a, b) => a.ms - b.ms);
  const median = samples[Math.floor(runs / 2)];
  const maxRss = Math.max(...samples.map((s) => s.maxRssMB));
  const validate = wholeCommand(root, "validate", runs);
  const plan = wholeCommand(root, "plan", runs);
  rows.push({ tables, transforms: Math.floor(tables / 2), ...median, maxRss, validate, plan });
}
console.log(
  "| tables | transforms | pipelines | tasks | validate + compile (median of 3) | per table | peak RSS |",
);
console.log("|---:|---:|---:|---:|---:|---:|---:|");
for (const r of rows) {
  console.log(
    `| ${r.tables} | ${r.transforms} | ${r.pipelines} | ${r.tasks} | ${r.ms.toFixed(0)} ms | ${((r.ms * 1000) / r.tables).toFixed(0)} µs | ${r.maxRss.toFixed(0)} MB |`,
  );
}
console.log(
  "\nThe whole commands, process start to exit (median of 3; peak RSS of the slo process):\n",
);
console.log("| tables | `slo validate` | peak RSS | `slo plan --json` | peak RSS |");
console.log("|---:|---:|---:|---:|---:|");
for (const r of rows) {
  console.log(
    `| ${r.tables} | ${r.validate.ms.toFixed(0)} ms | ${r.validate.rssMB.toFixed(0)} MB | ${r.plan.ms.toFixed(0)} ms | ${r.plan.rssMB.toFixed(0)} MB |`,
  );
}
console.log(`\nnode ${process.version}, ${process.platform} ${process.arch}`);
