import {
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../src/pipeline/diagnostic.js";
import { readProject } from "../../src/project/read-project.js";

let work: string;
let root: string;
let cache: string;

/** Every file of the copy dated a day back: settled, so its parse may be remembered. */
function age(): void {
  const past = new Date(Date.now() - 86_400_000);
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else utimesSync(path, past, past);
    }
  };
  walk(root);
}

/** What a read gives, places resolved (they are computed lazily), as comparable text. */
async function read(options: { cache?: string; vars?: Record<string, string> } = {}) {
  const r = await readProject(root, { ...options, env: {} });
  return {
    diagnostics: r.diagnostics.map(formatDiagnostic),
    project: JSON.stringify(r.project, (_k, v) => (v instanceof Map ? [...v] : v)),
  };
}

function entries(): Record<string, [string, unknown]> {
  const dir = join(cache, "yaml");
  const [file] = readdirSync(dir);
  if (file === undefined) throw new Error("no cache file");
  return JSON.parse(readFileSync(join(dir, file), "utf8")).entries;
}

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), "slo-parse-cache-"));
  root = join(work, "bakery");
  cache = join(work, "cache");
  cpSync("examples/bakery", root, { recursive: true });
  age();
});

afterEach(() => rmSync(work, { recursive: true, force: true }));

describe("the cache of parsed project files", () => {
  it("gives the same project and messages as reading every file, and keeps every plain file", async () => {
    const fresh = await read();
    expect(await read({ cache })).toEqual(fresh); // fills the cache
    expect(await read({ cache })).toEqual(fresh); // reads from it
    const kept = Object.keys(entries());
    const plain = (rel: string) => !readFileSync(join(root, rel), "utf8").includes("{{");
    expect(kept).toContain("metadata/load/shop/customers.sl.yml");
    expect(kept.every(plain)).toBe(true);
    // a file with a template depends on the variables: never kept
    expect(kept).not.toContain("metadata/load/shop/_config.sl.yml");
  });

  it("reads a changed file again, even with its size and modification time put back", async () => {
    await read({ cache });
    const rel = "metadata/load/shop/customers.sl.yml";
    const path = join(root, rel);
    const before = statSync(path);
    const text = readFileSync(path, "utf8");
    // same length: `writeStrategy` becomes a key Starlake does not know
    writeFileSync(path, text.replace("writeStrategy:", "writeStrateqy:"));
    utimesSync(path, before.atime, before.mtime);
    expect(statSync(path).size).toBe(before.size);
    const after = await read({ cache });
    expect(after.diagnostics.join("\n")).toMatch(
      /metadata\/load\/shop\/customers\.sl\.yml:\d+:\d+: .*writeStrateqy/,
    );
  });

  it("places a problem of a file read from the cache where it is written", async () => {
    const rel = "metadata/load/shop/orders.sl.yml";
    const path = join(root, rel);
    writeFileSync(path, `${readFileSync(path, "utf8")}  colour: blue\n`);
    age();
    const first = await read({ cache });
    expect(entries()[rel]).toBeDefined();
    const second = await read({ cache });
    expect(second.diagnostics).toEqual(first.diagnostics);
    expect(second.diagnostics.join("\n")).toMatch(/orders\.sl\.yml:\d+:3: .*colour/);
  });

  it("still refuses a file turned into a link out of the project after it was kept", async () => {
    await read({ cache });
    const rel = "metadata/load/shop/customers.sl.yml";
    const outside = join(work, "secret.yml");
    writeFileSync(outside, readFileSync(join(root, rel)));
    unlinkSync(join(root, rel));
    symlinkSync(outside, join(root, rel));
    const r = await read({ cache });
    expect(r.diagnostics).toEqual([
      `${rel}: error[unreadable_file]: leads, through a symbolic link, outside the project; expected a file inside the project folder`,
    ]);
  });

  it("renders a template file afresh when a variable changes", async () => {
    const path = join(root, "metadata/load/shop/customers.sl.yml");
    writeFileSync(path, readFileSync(path, "utf8").replace('"customers_', '"{{prefix}}_'));
    age();
    const one = await read({ cache, vars: { prefix: "clients" } });
    const two = await read({ cache, vars: { prefix: "buyers" } });
    expect(one.project).toContain('"clients_.*\\\\.csv"');
    expect(two.project).toContain('"buyers_.*\\\\.csv"');
    expect(Object.keys(entries())).not.toContain("metadata/load/shop/customers.sl.yml");
  });

  it("ignores a cache file it cannot use", async () => {
    const fresh = await read();
    await read({ cache });
    const dir = join(cache, "yaml");
    for (const junk of ["{", '{"stamp":"x","entries":{}}', "[]", '{"stamp":1}']) {
      for (const f of readdirSync(dir)) writeFileSync(join(dir, f), junk);
      expect(await read({ cache })).toEqual(fresh);
    }
    // entries of the right stamp but the wrong shape are misses, not data
    const f = readdirSync(dir)[0] as string;
    await read({ cache });
    const saved = JSON.parse(readFileSync(join(dir, f), "utf8"));
    for (const rel of Object.keys(saved.entries)) saved.entries[rel] = ["not-an-identity", 42];
    writeFileSync(join(dir, f), JSON.stringify(saved));
    expect(await read({ cache })).toEqual(fresh);
  });

  it("does not keep a file written in the last seconds (its times could hide a second change)", async () => {
    const rel = "metadata/load/shop/orders.sl.yml";
    writeFileSync(join(root, rel), readFileSync(join(root, rel), "utf8"));
    await read({ cache });
    expect(Object.keys(entries())).not.toContain(rel);
    expect(relative(root, join(root, rel))).toBe(rel);
  });
});
