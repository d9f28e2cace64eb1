import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.js";
import { MANIFEST, writeGenerated } from "../../src/output/write-generated.js";
import { fixture } from "../helpers/fixture.js";

const f = (path: string, content: string, pipelines?: string[]) =>
  pipelines === undefined ? { path, content } : { path, content, pipelines };
const manifestOf = (dir: string) => JSON.parse(readFileSync(join(dir, MANIFEST), "utf8"));

describe("writeGenerated", () => {
  it("writes, leaves unchanged files alone, and cleans only what it wrote", async () => {
    const dir = fixture({ "mine.py": "# the user's own file\n" });
    expect(writeGenerated(dir, "airflow", [f("a.py", "A"), f("b.py", "B")], false)).toEqual({
      written: ["a.py", "b.py"],
      unchanged: [],
      removed: [],
    });
    const before = statSync(join(dir, "a.py")).mtimeMs;
    await new Promise((r) => setTimeout(r, 20));
    expect(writeGenerated(dir, "airflow", [f("a.py", "A")], false)).toEqual({
      written: [],
      unchanged: ["a.py"],
      removed: [],
    });
    expect(statSync(join(dir, "a.py")).mtimeMs).toBe(before);
    expect(existsSync(join(dir, "b.py"))).toBe(true);
    expect(writeGenerated(dir, "airflow", [f("a.py", "A2")], true)).toEqual({
      written: ["a.py"],
      unchanged: [],
      removed: ["b.py"],
    });
    expect(existsSync(join(dir, "b.py"))).toBe(false);
    expect(readFileSync(join(dir, "mine.py"), "utf8")).toBe("# the user's own file\n");
    expect(JSON.parse(readFileSync(join(dir, MANIFEST), "utf8")).files).toEqual(["a.py"]);
  });

  it("never overwrites a file it did not write", () => {
    const dir = fixture({ "a.py": "# hand-written\n" });
    expect(() => writeGenerated(dir, "airflow", [f("a.py", "A")], true)).toThrow(ConfigError);
    expect(readFileSync(join(dir, "a.py"), "utf8")).toBe("# hand-written\n");
  });

  it("rejects a manifest that is not ours", () => {
    const dir = fixture({});
    writeFileSync(join(dir, MANIFEST), "not json");
    expect(() => writeGenerated(dir, "airflow", [], true)).toThrow(
      /not a manifest written by slo generate/,
    );
  });

  it("with a selection, --clean removes only the stale files of the selected pipelines", () => {
    const dir = fixture({});
    const all = [f("x.py", "X", ["x"]), f("x_extra.py", "XE", ["x"]), f("y.py", "Y", ["y"])];
    writeGenerated(dir, "airflow", [...all, f("shared.py", "S", ["x", "y"])], false);
    // x no longer makes x_extra.py; y is not selected; shared.py holds y too.
    const r = writeGenerated(dir, "airflow", [f("x.py", "X", ["x"])], true, ["x"]);
    expect(r.removed).toEqual(["x_extra.py"]);
    expect(existsSync(join(dir, "y.py"))).toBe(true);
    expect(existsSync(join(dir, "shared.py"))).toBe(true);
    expect(manifestOf(dir)).toEqual({
      generator: "starlake-orchestration",
      orchestrator: "airflow",
      files: ["shared.py", "x.py", "y.py"],
      owners: { "shared.py": ["x", "y"], "x.py": ["x"], "y.py": ["y"] },
    });
    // Without a selection, as before: every stale file goes.
    expect(writeGenerated(dir, "airflow", [f("x.py", "X", ["x"])], true).removed).toEqual([
      "shared.py",
      "y.py",
    ]);
    expect(manifestOf(dir).files).toEqual(["x.py"]);
  });

  it("keeps, under a selection, stale files whose owners an older manifest did not record", () => {
    const dir = fixture({ "old.py": "O", "x.py": "X" });
    writeFileSync(
      join(dir, MANIFEST),
      JSON.stringify({
        generator: "starlake-orchestration",
        orchestrator: "airflow",
        files: ["old.py", "x.py"],
      }),
    );
    expect(writeGenerated(dir, "airflow", [f("x.py", "X", ["x"])], true, ["x"]).removed).toEqual(
      [],
    );
    expect(readFileSync(join(dir, "old.py"), "utf8")).toBe("O");
    expect(manifestOf(dir).files).toEqual(["old.py", "x.py"]);
    expect(manifestOf(dir).owners).toEqual({ "x.py": ["x"] });
  });

  it.each([
    ["owners that is a list", []],
    ["an owner entry for a file not listed", { "z.py": ["z"] }],
    ["an owner list that is not a list", { "a.py": "a" }],
    ["an owner id that is empty", { "a.py": [""] }],
    ["an owner id that is a number", { "a.py": [1] }],
  ])("rejects a manifest with %s, removing nothing", (_, owners) => {
    const dir = fixture({ "a.py": "A" });
    const text = JSON.stringify({
      generator: "starlake-orchestration",
      orchestrator: "airflow",
      files: ["a.py"],
      owners,
    });
    writeFileSync(join(dir, MANIFEST), text);
    expect(() => writeGenerated(dir, "airflow", [], true)).toThrow(
      /\.slo-manifest\.json: not a manifest written by slo generate \(("owners"|owners\[)/,
    );
    expect(readFileSync(join(dir, "a.py"), "utf8")).toBe("A");
    expect(readFileSync(join(dir, MANIFEST), "utf8")).toBe(text);
  });

  it("keeps a file named __proto__.py as a plain owner key", () => {
    const dir = fixture({});
    writeGenerated(dir, "airflow", [f("__proto__.py", "P", ["__proto__"])], false);
    expect(manifestOf(dir).owners).toEqual({ "__proto__.py": ["__proto__"] });
    const r = writeGenerated(dir, "airflow", [], true, ["__proto__"]);
    expect(r.removed).toEqual(["__proto__.py"]);
  });
});
