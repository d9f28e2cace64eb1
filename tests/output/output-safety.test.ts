import { execFileSync } from "node:child_process";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.js";
import { MANIFEST, writeGenerated } from "../../src/output/write-generated.js";
import { writeOutputFile } from "../../src/output/write-output.js";
import { writeFileAtomic } from "../../src/util/write-atomic.js";
import { fixture } from "../helpers/fixture.js";

const f = (path: string, content: string) => ({ path, content });
const manifest = (files: unknown) =>
  JSON.stringify({ generator: "starlake-orchestration", orchestrator: "airflow", files });

/** A folder with a victim file next to the output folder, and a manifest planted in it. */
function planted(files: unknown): { root: string; out: string; victim: string } {
  const root = fixture({ "victim.txt": "precious\n", v: "v\n", i: "i\n", c: "c\n" });
  const out = join(root, "out", "a", "b");
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, MANIFEST), manifest(files));
  return { root, out, victim: join(root, "victim.txt") };
}

function expectUntouched(root: string): void {
  expect(readFileSync(join(root, "victim.txt"), "utf8")).toBe("precious\n");
  for (const name of ["v", "i", "c"]) expect(existsSync(join(root, name))).toBe(true);
}

describe("--clean never leaves the output folder", () => {
  it("refuses a manifest entry with .., naming the manifest, and removes nothing", () => {
    const { root, out } = planted(["../../../victim.txt"]);
    expect(() => writeGenerated(out, "airflow", [f("a.py", "A")], true)).toThrow(
      /\.slo-manifest\.json: not a manifest written by slo generate \(files\[0\] "\.\.\/\.\.\/\.\.\/victim\.txt" is a path that leaves the folder\)/,
    );
    expectUntouched(root);
    expect(existsSync(join(out, "a.py"))).toBe(false);
  });

  it("refuses an absolute entry", () => {
    const { root, out } = planted(["/etc/hostname"]);
    expect(() => writeGenerated(out, "airflow", [], true)).toThrow(
      /files\[0\] "\/etc\/hostname" is an absolute path/,
    );
    expectUntouched(root);
  });

  it.each([
    ["a string", "victim"],
    ["a number", 5],
    ["null", null],
    ["a list holding a number", ["a.py", 3]],
    ["an object", { "0": "victim.txt" }],
  ])("refuses files that is %s: exit 2 naming the manifest, nothing removed", (_, files) => {
    const { root, out } = planted(files);
    let error: unknown;
    try {
      writeGenerated(out, "airflow", [f("a.py", "A")], true);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(2);
    expect((error as Error).message).toContain(join(out, MANIFEST));
    expectUntouched(root);
  });

  it.each([
    ["not an object", "[1, 2]"],
    ["JSON null", "null"],
    ["another generator", JSON.stringify({ generator: "x", orchestrator: "a", files: [] })],
  ])("refuses a manifest that is %s", (_, text) => {
    const dir = fixture({ [MANIFEST]: text });
    expect(() => writeGenerated(dir, "airflow", [], true)).toThrow(ConfigError);
  });

  it("does not follow a folder link named by a manifest entry", () => {
    const { root, out } = planted(["link/victim.txt"]);
    symlinkSync(root, join(out, "link"));
    expect(() => writeGenerated(out, "airflow", [], true)).toThrow(
      /link\/victim\.txt: a path through the symbolic link .*link; expected a file inside/,
    );
    expectUntouched(root);
  });

  it("leaves a link at the place of a stale file alone, and its target too", () => {
    const { root, out, victim } = planted(["old.py"]);
    symlinkSync(victim, join(out, "old.py"));
    expect(writeGenerated(out, "airflow", [f("a.py", "A")], true).removed).toEqual([]);
    expect(readlinkSync(join(out, "old.py"))).toBe(victim);
    expectUntouched(root);
    expect(JSON.parse(readFileSync(join(out, MANIFEST), "utf8")).files).toEqual(["a.py"]);
  });

  it("never writes a generated file through a folder link", () => {
    const { root, out } = planted([]);
    symlinkSync(root, join(out, "pkg"));
    expect(() => writeGenerated(out, "dagster", [f("pkg/defs.py", "D")], false)).toThrow(
      /a path through the symbolic link/,
    );
    expect(existsSync(join(root, "defs.py"))).toBe(false);
  });

  it("replaces a link at an owned name instead of writing through it", () => {
    const { root, out, victim } = planted(["a.py"]);
    symlinkSync(victim, join(out, "a.py"));
    writeGenerated(out, "airflow", [f("a.py", "A")], false);
    expect(lstatSync(join(out, "a.py")).isFile()).toBe(true);
    expect(readFileSync(join(out, "a.py"), "utf8")).toBe("A");
    expectUntouched(root);
  });

  it("refuses a folder or a FIFO at a generated name, owned or not, and writes nothing", () => {
    const { out } = planted(["b.py"]);
    mkdirSync(join(out, "a.py"));
    execFileSync("mkfifo", [join(out, "b.py")], { timeout: 5000 });
    expect(() =>
      writeGenerated(out, "airflow", [f("a.py", "A"), f("b.py", "B"), f("c.py", "C")], true),
    ).toThrow(
      /a\.py: is a folder and was not written by slo generate[\s\S]*b\.py: is not a regular file and was not written/,
    );
    expect(existsSync(join(out, "c.py"))).toBe(false);
    const message = (() => {
      try {
        writeGenerated(out, "airflow", [f("a.py", "A"), f("b.py", "B")], false);
        return "";
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(message.split("\n")).toHaveLength(2);
  });

  it("refuses an output folder that is a file or lies under one", () => {
    const root = fixture({ file: "mine\n" });
    expect(() => writeGenerated(join(root, "file"), "airflow", [f("a.py", "A")], true)).toThrow(
      /file: not a folder; expected a folder to generate into/,
    );
    expect(() =>
      writeGenerated(join(root, "file", "x"), "airflow", [f("a.py", "A")], true),
    ).toThrow(/file\/x: cannot be made: .*file is a file, not a folder/);
    expect(readFileSync(join(root, "file"), "utf8")).toBe("mine\n");
  });
});

describe("atomic writes", () => {
  it("a link planted at the old temporary name is not followed", () => {
    const root = fixture({ "victim.txt": "precious\n" });
    const path = join(root, "out.py");
    // The name the old writer used: <path>.<pid>.tmp.
    symlinkSync(join(root, "victim.txt"), `${path}.${process.pid}.tmp`);
    writeFileAtomic(path, "new\n");
    expect(readFileSync(path, "utf8")).toBe("new\n");
    expect(readFileSync(join(root, "victim.txt"), "utf8")).toBe("precious\n");
  });

  it("a link at the destination is replaced, its target untouched", () => {
    const root = fixture({ "victim.txt": "precious\n" });
    const path = join(root, "graph.svg");
    symlinkSync(join(root, "victim.txt"), path);
    writeOutputFile(path, "<svg/>");
    expect(lstatSync(path).isSymbolicLink()).toBe(false);
    expect(readFileSync(path, "utf8")).toBe("<svg/>");
    expect(readFileSync(join(root, "victim.txt"), "utf8")).toBe("precious\n");
  });

  it("leaves no temporary file behind when the rename fails", () => {
    const root = fixture({ "d/keep": "k" });
    expect(() => writeOutputFile(join(root, "d"), "x")).toThrow(/d: is a folder/);
    expect(() => writeFileAtomic(join(root, "d"), "x")).toThrow();
    expect(readdirSync(root)).toEqual(["d"]);
  });
});
