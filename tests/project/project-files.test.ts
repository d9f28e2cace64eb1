import { execFileSync } from "node:child_process";
import { mkdirSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MAX_PROJECT_FILE_BYTES } from "../../src/project/files.js";
import { readProject } from "../../src/project/read-project.js";
import { runCli } from "../helpers/cli.js";
import { baseProject, fixture } from "../helpers/fixture.js";

const TABLE = "metadata/load/shop/extra.sl.yml";

/** The error lines `slo validate` prints for a project (exit 2 expected). */
async function validateErrors(root: string): Promise<string> {
  const r = await runCli(["validate", root]);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  expect(r.code).toBe(2);
  return r.stderr;
}

describe("project files that must not be read", () => {
  it("a FIFO is named, not waited on", async () => {
    const root = fixture(baseProject());
    execFileSync("mkfifo", [join(root, TABLE)], { timeout: 5000 });
    expect(await validateErrors(root)).toMatch(
      /^metadata\/load\/shop\/extra\.sl\.yml: error\[unreadable_file\]: not a regular file \(a named pipe\); expected a text file$/m,
    );
  });

  it("a link to /dev/zero is refused without reading it", async () => {
    const root = fixture(baseProject());
    symlinkSync("/dev/zero", join(root, TABLE));
    expect(await validateErrors(root)).toMatch(
      /^metadata\/load\/shop\/extra\.sl\.yml: error\[unreadable_file\]: leads, through a symbolic link, outside the project/m,
    );
  });

  it("a link to a file outside the project is refused, its content never shown", async () => {
    const outside = fixture({ "secret.txt": "version: [TOPSECRET-CONTENT\n" });
    const root = fixture(baseProject());
    symlinkSync(join(outside, "secret.txt"), join(root, TABLE));
    symlinkSync(join(outside, "secret.txt"), join(root, "metadata/transform/kpi/leak.sql"));
    const r = await runCli(["validate", "--json", root]);
    const all = `${r.stdout}${r.stderr}`;
    expect(all).not.toContain("TOPSECRET");
    expect(r.code).toBe(2);
    expect(all).toMatch(/leads, through a symbolic link, outside the project/);
  });

  it("a linked metadata folder pointing elsewhere leads out too", async () => {
    const outside = fixture(baseProject());
    const root = fixture({});
    symlinkSync(join(outside, "metadata"), join(root, "metadata"));
    expect(await validateErrors(root)).toMatch(
      /error\[unreadable_file\]: leads, through a symbolic link/,
    );
  });

  it("a link inside the project is read as usual", async () => {
    const root = fixture(
      baseProject({ "shared/extra.yml": "version: 1\ntable:\n  name: extra\n" }),
    );
    symlinkSync(join(root, "shared/extra.yml"), join(root, TABLE));
    const r = await runCli(["validate", root]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("a link to nothing and a link to a folder are named", async () => {
    const dangling = fixture(baseProject());
    symlinkSync(join(dangling, "nowhere.yml"), join(dangling, TABLE));
    expect(await validateErrors(dangling)).toMatch(
      /extra\.sl\.yml: error\[unreadable_file\]: a symbolic link to nothing/,
    );
    const folder = fixture(baseProject());
    mkdirSync(join(folder, "metadata/transform/kpi/sub"));
    symlinkSync(
      join(folder, "metadata/transform/kpi/sub"),
      join(folder, "metadata/transform/kpi/odd.sql"),
    );
    writeFileSync(join(folder, "metadata/transform/kpi/odd.sl.yml"), "version: 1\ntask: {}\n");
    expect(await validateErrors(folder)).toMatch(
      /odd\.sql: error\[unreadable_file\]: not a regular file \(a directory\)/,
    );
  });

  it("a loop of links is named", async () => {
    const root = fixture(baseProject());
    symlinkSync("extra.sl.yml", join(root, TABLE));
    expect(await validateErrors(root)).toMatch(
      /^metadata\/load\/shop\/extra\.sl\.yml: error\[unreadable_file\]: a loop of symbolic links; expected a file$/m,
    );
  });

  it("a file over the size bound is refused by its size", async () => {
    const root = fixture(baseProject({ [TABLE]: "version: 1\n" }));
    truncateSync(join(root, TABLE), MAX_PROJECT_FILE_BYTES + 1);
    expect(await validateErrors(root)).toMatch(
      new RegExp(
        `extra\\.sl\\.yml: error\\[unreadable_file\\]: too large \\(${MAX_PROJECT_FILE_BYTES + 1} bytes or more\\)`,
      ),
    );
  });

  it("the library reports the same as data", async () => {
    const root = fixture(baseProject());
    symlinkSync(join(tmpdir()), join(root, TABLE));
    const { project, diagnostics } = await readProject(root);
    expect(project).toBeUndefined();
    expect(diagnostics).toEqual([
      expect.objectContaining({ code: "unreadable_file", severity: "error", file: TABLE }),
    ]);
  });
});

const BOMB = [
  "a: &a [x, x, x, x, x, x, x, x, x, x]",
  "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]",
  "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]",
  "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]",
  "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]",
  "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]",
  "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]",
  "",
].join("\n");

describe("YAML that cannot be expanded", () => {
  it("an unresolved alias is located", async () => {
    const root = fixture(
      baseProject({ [TABLE]: "version: 1\ntable:\n  name: x\n  pattern: *nope\n" }),
    );
    expect(await validateErrors(root)).toMatch(
      /^metadata\/load\/shop\/extra\.sl\.yml:4:12: error\[invalid_yaml\]: invalid YAML: alias \*nope names no anchor written before it; expected &nope earlier in the file$/m,
    );
  });

  // The same block failed in one place (exit 70) and passed in another: now it fails everywhere.
  it.each([
    ["table.attributes", "version: 1\ntable:\n  name: x\n  attributes: *g\n"],
    ["table.metadata.options", "version: 1\ntable:\n  name: x\n  metadata: {options: *g}\n"],
    ["an unknown key", "version: 1\ntable:\n  name: x\n  extra: *g\n"],
  ])("an alias bomb under %s is a located error", async (_, body) => {
    const root = fixture(baseProject({ [TABLE]: `${BOMB}${body}` }));
    expect(await validateErrors(root)).toMatch(
      /^metadata\/load\/shop\/extra\.sl\.yml:2:8: error\[invalid_yaml\]: invalid YAML: aliases expand to \d+ values, more than 100000 beyond those written \(an alias bomb\)/m,
    );
  });

  it("a second document is named as such", async () => {
    const root = fixture(baseProject({ [TABLE]: "version: 1\n---\nversion: 2\n" }));
    expect(await validateErrors(root)).toMatch(
      /^metadata\/load\/shop\/extra\.sl\.yml:2:1: error\[invalid_yaml\]: invalid YAML: a second document \(after ---\); expected one document per file$/m,
    );
  });

  it("anchors reused a few times are fine", async () => {
    const root = fixture(
      baseProject({
        [TABLE]:
          "version: 1\ntable:\n  name: extra\n  metadata: &m {format: DSV}\n  attributes:\n    - &id {name: id, type: string}\n    - *id\n",
      }),
    );
    const r = await runCli(["validate", root]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it.each([
    ["brackets", (n: number) => `${"[".repeat(n)}${"]".repeat(n)}`],
    ["maps", (n: number) => `${"{a: ".repeat(n)}1${"}".repeat(n)}`],
  ])("values nested too deep (%s) are located, even thousands deep", async (_, nest) => {
    for (const depth of [120, 5000]) {
      const root = fixture(
        baseProject({ [TABLE]: `version: 1\ntable:\n  name: x\n  extra: ${nest(depth)}\n` }),
      );
      expect(await validateErrors(root)).toMatch(
        /^metadata\/load\/shop\/extra\.sl\.yml:4:\d+: error\[invalid_yaml\]: invalid YAML: values nested deeper than 100 levels; expected a flatter file$/m,
      );
    }
  });
});
