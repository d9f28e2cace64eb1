import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";

export interface WorkerAnswer {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut?: true;
}

// Runs the built CLI's main() in a worker thread, its output captured: a worker stuck in a
// synchronous loop can be ended from outside, which an in-process call cannot.
const SOURCE = (mainUrl: string) => `
const { parentPort } = require("node:worker_threads");
const loaded = import(${JSON.stringify(mainUrl)});
parentPort.on("message", async ({ args }) => {
  const { main } = await loaded;
  let stdout = "";
  let stderr = "";
  const out = process.stdout.write;
  const err = process.stderr.write;
  process.stdout.write = (c) => { stdout += String(c); return true; };
  process.stderr.write = (c) => { stderr += String(c); return true; };
  let code;
  try {
    code = await main(args);
  } catch (e) {
    code = -1;
    stderr += String(e && e.stack);
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    process.exitCode = 0;
  }
  parentPort.postMessage({ code, stdout: stdout.slice(0, 500000), stderr: stderr.slice(0, 20000) });
});
`;

/** A worker that runs `slo` commands one at a time, each with a deadline. */
export class CliWorker {
  private worker: Worker | undefined;
  private readonly mainUrl = pathToFileURL(resolve("dist/cli/main.js")).href;

  async run(args: readonly string[], timeoutMs: number): Promise<WorkerAnswer> {
    this.worker ??= new Worker(SOURCE(this.mainUrl), { eval: true, stdout: true, stderr: true });
    const worker = this.worker;
    return await new Promise<WorkerAnswer>((done, fail) => {
      const timer = setTimeout(() => {
        worker.removeAllListeners();
        void worker.terminate();
        this.worker = undefined;
        done({ code: -1, stdout: "", stderr: "", timedOut: true });
      }, timeoutMs);
      worker.once("message", (answer: WorkerAnswer) => {
        clearTimeout(timer);
        worker.removeAllListeners("error");
        done(answer);
      });
      worker.once("error", (e) => {
        clearTimeout(timer);
        this.worker = undefined;
        fail(e);
      });
      worker.postMessage({ args: [...args] });
    });
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
    this.worker = undefined;
  }
}
