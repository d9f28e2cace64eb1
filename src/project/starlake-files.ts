import type { Slot } from "./starlake-keys.js";

/** The project files whose keys Starlake 1.5.16 checks, by what reading them is for. */
export type StarlakeFileKind =
  | "application"
  | "env"
  | "load"
  | "table"
  | "transform"
  | "task"
  | "dag";

export interface StarlakeFileRule {
  /** The top-level key that holds the file's content. */
  readonly container: string;
  /**
   * What Starlake 1.5.16 does with a file that fails validation (YamlSerde and its callers):
   * application and env files stop every command; a table file throws out of the domain loading
   * (`starlake validate` exits 1); a dag config throws wherever dag configs are read. A load
   * `_config.sl.yml` makes Starlake leave out the domain and its tables (`validate` counts an
   * error). A transform `_config.sl.yml` or a task file is only logged and left out: `validate`
   * reports nothing, so for us it is a warning.
   */
  readonly severity: "error" | "warning";
  readonly consequence: string;
  /**
   * Keys that Starlake's on-the-fly migration removes or renames before validating a file that
   * has no `version` (YamlMigrator.V1). Path patterns from the file's top, `*` for any list item;
   * the value says how the content is then checked (`null`: removed, not checked), and `unless`
   * names the key whose presence stops a rename (the old key then stays and is rejected).
   */
  readonly legacy: Readonly<Record<string, { readonly as: Slot | null; readonly unless?: string }>>;
}

const dropped = { as: null };

/** Legacy keys of a metadata object (sink format, write mode) that the migration removes. */
function metadataLegacy(at: string): Record<string, { as: Slot | null }> {
  return {
    [`${at}.write`]: dropped,
    [`${at}.mode`]: dropped,
    [`${at}.sink.type`]: dropped,
    [`${at}.sink.timestamp`]: dropped,
    [`${at}.sink.dynamicPartitionOverwrite`]: dropped,
  };
}

/** Legacy keys of a table (pre-1.0 `merge`, `flat`, and those of its metadata). */
function tableLegacy(at: string): Record<string, { as: Slot | null }> {
  return {
    [`${at}.flat`]: dropped,
    [`${at}.merge`]: { as: { object: "WriteStrategyV1" } },
    ...metadataLegacy(`${at}.metadata`),
  };
}

/** Legacy keys of a task (its pre-1.0 names), in a task file or in a transform's `tasks`. */
function taskLegacy(at: string): Record<string, { as: Slot | null; unless?: string }> {
  return {
    [`${at}.attributesDesc`]: { as: { list: "AttributeV1" }, unless: "attributes" },
    [`${at}.dataset`]: { as: "value", unless: "table" },
    [`${at}.engine`]: dropped,
    [`${at}.sqlEngine`]: dropped,
    [`${at}.write`]: dropped,
    [`${at}.flat`]: dropped,
    [`${at}.merge`]: { as: { object: "WriteStrategyV1" } },
    [`${at}.sink.type`]: dropped,
    [`${at}.sink.timestamp`]: dropped,
    [`${at}.sink.dynamicPartitionOverwrite`]: dropped,
  };
}

const rejected = "Starlake 1.5.16 rejects this file";

export const STARLAKE_FILES: Readonly<Record<StarlakeFileKind, StarlakeFileRule>> = {
  application: { container: "application", severity: "error", consequence: rejected, legacy: {} },
  env: { container: "env", severity: "error", consequence: rejected, legacy: {} },
  dag: { container: "dag", severity: "error", consequence: rejected, legacy: {} },
  table: {
    container: "table",
    severity: "error",
    consequence: rejected,
    legacy: {
      schema: { as: { object: "TableV1" }, unless: "table" },
      ...tableLegacy("table"),
    },
  },
  load: {
    container: "load",
    severity: "error",
    consequence: `${rejected} and leaves out this domain and its tables`,
    // Tables written inline in an old domain file are checked one by one as table files (and
    // migrated). A top-level `tables` next to `load` stays, and is rejected.
    legacy: {
      "load.tables": { as: { list: "TableV1" } },
      ...tableLegacy("load.tables.*"),
      ...metadataLegacy("load.metadata"),
    },
  },
  transform: {
    container: "transform",
    severity: "warning",
    consequence: `${rejected}: it logs an error and leaves out this transform and its tasks`,
    legacy: taskLegacy("transform.tasks.*"),
  },
  task: {
    container: "task",
    severity: "warning",
    consequence: `${rejected}: it logs an error and leaves out this task`,
    legacy: taskLegacy("task"),
  },
};
