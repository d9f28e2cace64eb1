// An engine process for the crash test (the test SIGKILLs it): `new STATE PIPELINE_JSON` starts a
// run of the pipeline, `resume STATE RUN` finishes one. Runs the built engine (dist/).
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { runPipelines } from "../../dist/engine/engine.js";
import { executeRun } from "../../dist/engine/run-executor.js";
import { Slots } from "../../dist/engine/slots.js";
import { StateStore } from "../../dist/engine/state-store.js";

const [mode, state, arg] = process.argv.slice(2);
const store = new StateStore(state);
const settings = {
  baseEnv: process.env,
  logsDir: join(dirname(state), "logs"),
  slots: new Slots(3),
};
if (mode === "new") {
  const pipeline = JSON.parse(readFileSync(arg, "utf8"));
  await runPipelines(store, { pipelines: [pipeline] }, settings);
} else {
  await executeRun(store, arg, settings);
}
store.close();
