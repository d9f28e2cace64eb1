/**
 * A reader that stops early (`slo plan --json | head -1`) closes our standard output: what is
 * left to print has nobody to read it, so it is dropped quietly instead of ending in a stack trace.
 * The command itself goes on (a `slo run` piped into `head` still finishes its run).
 */
export function dropOutputToClosedPipes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EPIPE" || e.code === "ERR_STREAM_DESTROYED") return;
      throw e;
    });
  }
}
