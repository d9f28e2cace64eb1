import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/** Which top-level folders of src/ each folder may import (design §4): checked on every import. */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  pipeline: [],
  util: [],
  starlake: ["pipeline", "util"],
  project: ["pipeline", "util"],
  builder: ["pipeline", "starlake", "errors.ts"],
  environments: ["pipeline", "starlake"],
  compile: ["project", "pipeline", "builder", "starlake", "environments", "util"],
  graph: ["pipeline"],
  backends: ["pipeline", "starlake", "environments"],
  engine: ["pipeline", "starlake", "environments", "errors.ts"],
  output: ["backends", "errors.ts", "util"],
  cli: ["*"],
  "errors.ts": ["pipeline"],
  "index.ts": ["*"],
};

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

const top = (path: string) => relative("src", path).split("/")[0] as string;

describe("architecture", () => {
  it("imports follow the dependency direction of the design", () => {
    const wrong: string[] = [];
    for (const file of files("src")) {
      const from = top(file);
      const allowed = ALLOWED[from];
      expect(allowed, `no rule for src/${from}`).toBeDefined();
      for (const m of readFileSync(file, "utf8").matchAll(/from "(\.[^"]+)"/g)) {
        const target = top(
          resolve(file, "..", (m[1] as string).replace(/\.js$/, ".ts")).replace(
            `${process.cwd()}/`,
            "",
          ),
        );
        if (target !== from && !allowed?.includes("*") && !allowed?.includes(target))
          wrong.push(`${file} imports ${target}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("keeps files small enough to read at once", () => {
    const long = files("src").filter((f) => readFileSync(f, "utf8").split("\n").length > 400);
    expect(long).toEqual([]);
  });
});
