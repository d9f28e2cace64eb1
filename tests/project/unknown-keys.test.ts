import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../src/pipeline/diagnostic.js";
import type { StarlakeFileKind } from "../../src/project/starlake-files.js";
import { unknownKeys } from "../../src/project/unknown-keys.js";
import { parseYaml } from "../../src/project/yaml-file.js";

function check(kind: StarlakeFileKind, file: string, lines: string[]): string[] {
  const { yaml } = parseYaml(file, `${lines.join("\n")}\n`);
  if (yaml === undefined) throw new Error("test YAML does not parse");
  return unknownKeys(yaml, kind).map(formatDiagnostic);
}

const rejects = "Starlake 1.5.16 rejects this file";

describe("keys Starlake 1.5.16 rejects", () => {
  it("a legacy key in a versioned table file: located at the key, with the key meant", () => {
    const out = check("table", "metadata/load/hr/locations.sl.yml", [
      "version: 1",
      "table:",
      "  name: locations",
      "  metadata:",
      "    format: JSON",
      '    write: "OVERWRITE"',
    ]);
    expect(out).toEqual([
      `metadata/load/hr/locations.sl.yml:6:5: error[unknown_key]: unknown key table.metadata.write (did you mean writeStrategy?): ${rejects}`,
    ]);
  });

  it("a typo gets the closest key; no suggestion when that key is already written", () => {
    expect(
      check("table", "t.sl.yml", ["version: 1", "table:", "  name: t", "  patern: x.*"]),
    ).toEqual([
      `t.sl.yml:4:3: error[unknown_key]: unknown key table.patern (did you mean pattern?): ${rejects}`,
    ]);
    expect(
      check("table", "t.sl.yml", ["version: 1", "table:", "  pattern: x", "  patern: x.*"]),
    ).toEqual([`t.sl.yml:4:3: error[unknown_key]: unknown key table.patern: ${rejects}`]);
  });

  it("walks lists and maps of objects, naming the item", () => {
    const table = check("table", "t.sl.yml", [
      "version: 1",
      "table:",
      "  attributes:",
      "    - name: id",
      "      attributes:",
      "        - name: city",
      "          nullable: true",
    ]);
    expect(table).toEqual([
      `t.sl.yml:7:11: error[unknown_key]: unknown key table.attributes.0.attributes.0.nullable: ${rejects}`,
    ]);
    const app = check("application", "metadata/application.sl.yml", [
      "version: 1",
      "application:",
      "  connections:",
      "    my_duck:",
      "      type: jdbc",
      "      option:",
      "        url: x",
    ]);
    expect(app).toEqual([
      `metadata/application.sl.yml:6:7: error[unknown_key]: unknown key application.connections.my_duck.option (did you mean options?): ${rejects}`,
    ]);
  });

  it("never checks maps whose keys are user data", () => {
    expect(
      check("application", "a.sl.yml", [
        "version: 1",
        "application:",
        "  connections:",
        "    any_name: { type: jdbc, options: { whatever: 1, url: x } }",
        "  spark: { sql: { shuffle: 2 } }",
        "  schedulePresets: { nightly: '0 1 * * *' }",
        "  dagRef: { load: a, transform: b }",
        "  extra: { anything: { deep: true } }",
      ]),
    ).toEqual([]);
    expect(check("env", "e.sl.yml", ["version: 1", "env:", "  anyVar: 1", "  other: x"])).toEqual(
      [],
    );
    expect(
      check("dag", "d.sl.yml", [
        "version: 1",
        "dag:",
        "  template: t",
        "  filename: f",
        "  options: { any_option: 1 }",
      ]),
    ).toEqual([]);
    expect(
      check("table", "t.sl.yml", [
        "version: 1",
        "table:",
        "  metadata:",
        "    options: { free: 1 }",
        "    writeStrategy: { types: { OVERWRITE: 'x', APPEND: 'y' } }",
      ]),
    ).toEqual([]);
  });

  it("a top-level key outside the schema is rejected", () => {
    expect(check("load", "_config.sl.yml", ["version: 1", "load: {}", "tables: []"])).toEqual([
      `_config.sl.yml:3:1: error[unknown_key]: unknown key tables; this file holds only version and load: ${rejects} and leaves out this domain and its tables`,
    ]);
    // Another kind of file's content key is a key of the schema's top, but not of this file.
    expect(check("table", "t.sl.yml", ["version: 1", "load:", "  table: { name: t }"])).toEqual([
      `t.sl.yml:2:1: error[unknown_key]: unknown key load; this file holds only version and table: ${rejects}`,
    ]);
  });

  // Each case below was also run through the real `starlake validate` 1.5.16: the legacy keys
  // load, `merge.delete` is rejected (as writeStrategy.delete), `transform.default.write` is logged.
  it("without `version`, keys that Starlake migrates are accepted", () => {
    expect(
      check("task", "t.sl.yml", ["task:", "  dataset: t", "  engine: SPARK", "  write: OVERWRITE"]),
    ).toEqual([]);
    expect(
      check("table", "t.sl.yml", [
        "table:",
        "  name: t",
        "  flat: true",
        "  merge: { key: [id], timestamp: ts }",
        "  metadata: { write: APPEND, mode: FILE, sink: { type: BQ, timestamp: ts } }",
      ]),
    ).toEqual([]);
    // The migrated merge is checked as a write strategy.
    expect(check("table", "t.sl.yml", ["table:", "  merge: { key: [id], delete: x }"])).toEqual([
      `t.sl.yml:2:23: error[unknown_key]: unknown key table.merge.delete: ${rejects}`,
    ]);
    // A domain file without `version` and without `load:` is wrapped in `load:`.
    expect(
      check("load", "_config.sl.yml", [
        "name: d",
        "tables: [{ name: t, merge: { key: [id] }, metadata: { write: APPEND } }, { nom: u }]",
      ]),
    ).toEqual([
      `_config.sl.yml:2:76: error[unknown_key]: unknown key tables.1.nom: ${rejects} and leaves out this domain and its tables`,
    ]);
    expect(check("load", "_config.sl.yml", ["load: { name: d }", "tables: []"])).toEqual([
      `_config.sl.yml:2:1: error[unknown_key]: unknown key tables; this file holds only version and load: ${rejects} and leaves out this domain and its tables`,
    ]);
    // A file without `version` is wrapped in its container key.
    expect(check("application", "a.sl.yml", ["connectionRef: x", "conections: {}"])).toEqual([
      `a.sl.yml:2:1: error[unknown_key]: unknown key conections (did you mean connections?): ${rejects}`,
    ]);
  });

  it("a table file with a list of tables: each item checked as a migrated table", () => {
    const out = check("table", "metadata/load/d/all.sl.yml", [
      "version: 1",
      "name: ignored_by_starlake",
      "tables:",
      "  - name: a",
      "    metadata: { write: APPEND }",
      "  - name: b",
      "    bogus: 1",
    ]);
    expect(out).toEqual([
      `metadata/load/d/all.sl.yml:7:5: error[unknown_key]: unknown key tables.1.bogus: ${rejects}`,
    ]);
  });

  it("a renamed legacy key stays, and is rejected, when its new name is written too", () => {
    const out = check("task", "t.sl.yml", [
      "task:",
      "  dataset: a",
      "  table: b",
      "  attributesDesc: [{ name: x, bogus: 1 }]",
    ]);
    expect(out).toEqual([
      "t.sl.yml:2:3: warning[unknown_key]: unknown key task.dataset: Starlake 1.5.16 rejects this file: it logs an error and leaves out this task",
      "t.sl.yml:4:31: warning[unknown_key]: unknown key task.attributesDesc.0.bogus: Starlake 1.5.16 rejects this file: it logs an error and leaves out this task",
    ]);
  });

  it("transforms: only `tasks` are migrated, not `default`; Starlake only logs these", () => {
    const out = check("transform", "metadata/transform/kpi/_config.sl.yml", [
      "transform:",
      "  default:",
      "    write: OVERWRITE",
      "  tasks:",
      "    - name: a",
      "      write: OVERWRITE",
    ]);
    expect(out).toEqual([
      "metadata/transform/kpi/_config.sl.yml:3:5: warning[unknown_key]: unknown key transform.default.write (did you mean writeStrategy?): Starlake 1.5.16 rejects this file: it logs an error and leaves out this transform and its tasks",
    ]);
  });

  it("keys named like Object.prototype members are keys like any other", () => {
    const out = check("table", "t.sl.yml", [
      "version: 1",
      "table:",
      "  constructor: 1",
      "  metadata: { toString: 2, __proto__: { sink: {} } }",
    ]);
    expect(out.map((l) => l.replace(/: Starlake.*/, ""))).toEqual([
      "t.sl.yml:3:3: error[unknown_key]: unknown key table.constructor",
      "t.sl.yml:4:15: error[unknown_key]: unknown key table.metadata.toString",
      "t.sl.yml:4:28: error[unknown_key]: unknown key table.metadata.__proto__",
    ]);
  });

  it("an open object (Kafka topics) accepts any key", () => {
    expect(
      check("application", "a.sl.yml", [
        "version: 1",
        "application:",
        "  kafka:",
        "    topics:",
        "      t1: { topicName: x, anything: 1 }",
      ]),
    ).toEqual([]);
  });
});
