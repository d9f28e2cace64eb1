import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { pollMs, type RemoteFlags } from "../../src/cli/remote-flags.js";
import { runCli } from "../helpers/cli.js";
import { fixture } from "../helpers/fixture.js";

const BIN = "dist/cli/bin.js";

/** Exit 2, one line naming the path and the problem, no stack trace. */
function expectOneLine(r: { code: number; stderr: string }, pattern: RegExp): void {
  expect(r.code).toBe(2);
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
}

describe("output paths are bad input, not internal errors", () => {
  const root = fixture({ file: "mine\n" });
  const file = join(root, "file");

  it("generate --out naming an existing file", async () => {
    const r = await runCli([
      "generate",
      "examples/minimal",
      "--orchestrator",
      "airflow",
      "--out",
      file,
    ]);
    expectOneLine(r, /file: not a folder; expected a folder to generate into$/);
    expect(readFileSync(file, "utf8")).toBe("mine\n");
  });

  it("generate --out under a file", async () => {
    const out = join(file, "dags");
    const r = await runCli([
      "generate",
      "examples/minimal",
      "--orchestrator",
      "dagster",
      "--out",
      out,
    ]);
    expectOneLine(r, /file\/dags: cannot be made: .*file is a file, not a folder/);
  });

  it("graph -o under a file", async () => {
    const r = await runCli(["graph", "examples/minimal", "-o", join(file, "g.mmd")]);
    expectOneLine(r, /file\/g\.mmd: cannot write: .*file is a file, not a folder$/);
  });

  it("graph -o naming a folder", async () => {
    const dir = join(root, "folder");
    mkdirSync(dir);
    const r = await runCli(["graph", "examples/minimal", "--format", "dot", "-o", dir]);
    expectOneLine(r, /folder: is a folder; expected the path of a file to write$/);
  });

  it("run and serve --state under a file", async () => {
    for (const verb of ["run", "serve"]) {
      const state = join(file, "deeper", "state.db");
      const r = await runCli([
        verb,
        "examples/minimal",
        "--starlake",
        "/bin/true",
        "--state",
        state,
      ]);
      expectOneLine(
        r,
        /--state .*file\/deeper\/state\.db: cannot make its folder: .*\/file: a file where a folder is expected$/,
      );
    }
  });

  it("a --poll beyond what timers can wait is refused (it would spin)", () => {
    const flags = (poll: string) => ({ poll }) as RemoteFlags;
    expect(pollMs(flags("86400"))).toBe(86_400_000);
    for (const poll of ["1e30", "86401", "Infinity", "0", "x"]) {
      expect(() => pollMs(flags(poll)), poll).toThrow(/--poll: expected a positive number/);
    }
  });
});

describe("the built program", () => {
  it.skipIf(!existsSync("/proc/self"))("--out /proc/x ends at once with exit 2", () => {
    for (const args of [
      ["generate", "examples/minimal", "--orchestrator", "airflow", "--out", "/proc/x"],
      ["graph", "examples/minimal", "-o", "/proc/x/graph.mmd"],
      ["run", "examples/minimal", "--starlake", "/bin/true", "--state", "/proc/x/state.db"],
    ]) {
      const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", timeout: 20_000 });
      expect(r.signal, "killed by the timeout: the write spins").toBeNull();
      expectOneLine(
        { code: r.status ?? -1, stderr: r.stderr },
        /^error\[bad_input\]: (--state )?\/proc\/x/,
      );
    }
  });

  it("a reader that closes the pipe early ends the output quietly", async () => {
    const child = spawn(process.execPath, [BIN, "plan", "examples/bakery", "--json"], {
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 20_000,
    });
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += String(d);
    });
    // Like `| head -1`: read one chunk, then close our end while slo still writes.
    child.stdout.once("data", () => child.stdout.destroy());
    const code = await new Promise<number | null>((done) => child.on("close", (c) => done(c)));
    expect(stderr).toBe("");
    expect(code).toBe(0);
  });
});
