import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AttemptJournal } from "../../src/engine/attempt-journal.js";

let dir: string | undefined;
afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

// An engine that hands its launcher a second request while the first attempt runs, then dies:
// the launcher reads the request once the engine is gone.
const ENGINE = `
import { Launcher } from ${JSON.stringify(resolve("dist/engine/launcher.js"))};
const [folder, record] = process.argv.slice(1);
const launcher = new Launcher(folder, { PATH: process.env.PATH, RECORD: record }, folder, "/bin/sh");
const none = { onPid() {}, onExit() {} };
launcher.start("first.1", ["-c", "sleep 1; echo first >>$RECORD"], none);
launcher.start("second.1", ["-c", "echo second >>$RECORD"], none);
setTimeout(() => process.exit(0), 300);
`;

describe("launcher: a request read after its engine died", () => {
  it.each([
    ["reaped at once", (engine: string) => [process.execPath, "--input-type=module", "-e", engine]],
    // the engine's parent does not wait for it: a zombie, which still answers kill -0
    [
      "left a zombie",
      (engine: string) => [
        "python3",
        "-c",
        "import subprocess, sys, time; subprocess.Popen(sys.argv[1:]); time.sleep(3)",
        process.execPath,
        "--input-type=module",
        "-e",
        engine,
      ],
    ],
  ])("is not started and is journaled as declined (engine %s)", async (_, command) => {
    dir = mkdtempSync(join(tmpdir(), "slo-launcher-"));
    const record = join(dir, "record");
    const [file, ...args] = command(ENGINE);
    const r = spawnSync(file as string, [...args, dir, record], {
      timeout: 30_000,
      env: process.env,
    });
    expect(r.status).toBe(0);
    const journal = new AttemptJournal(dir);
    for (let i = 0; i < 100 && journal.exit("first.1") === undefined; i++) await pause(50);
    for (let i = 0; i < 100 && !journal.declined("second.1"); i++) await pause(50);
    expect(journal.exit("first.1")).toBe(0); // the attempt that ran still has its exit code
    expect(journal.declined("second.1")).toBe(true);
    expect(journal.pid("second.1")).toBeUndefined();
    await pause(300);
    expect(readFileSync(record, "utf8")).toBe("first\n");
  });
});
