import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.js";
import { MANIFEST, writeGenerated } from "../../src/output/write-generated.js";
import { fixture } from "../helpers/fixture.js";

const f = (path: string, content: string) => ({ path, content });

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
});
