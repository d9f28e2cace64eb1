import type { Diagnostic } from "../pipeline/diagnostic.js";
import { nestedFiles } from "./files.js";

/**
 * Files in sub-folders of a load domain or transform folder, as Starlake 1.5.16 treats them.
 * `SchemaHandler.loadTableRefs` and `loadAutoTaskFiles` list the folder recursively but keep only
 * each file's name, then read `<folder>/<name>`: a file in a sub-folder is read from the folder
 * itself. So a sub-folder file never counts on its own; what happens depends on its name.
 */

const TASK_EXTENSIONS = [".sl.yml", ".sql", ".sql.j2", ".py"];

/**
 * Table files (`*.sl.yml`) in sub-folders of `metadata/load/<domain>`: Starlake fails to read the
 * domain when the folder has no file of that name (FileNotFoundException, `starlake validate`
 * exits 1), and reads the domain's file twice when it has one (the table is defined twice).
 */
export function subfolderTables(
  root: string,
  folderRel: string,
  top: { readonly files: ReadonlySet<string>; readonly folders: readonly string[] },
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const topFiles = top.files;
  for (const rel of nestedFiles(`${root}/${folderRel}`, top.folders)) {
    const name = rel.slice(rel.lastIndexOf("/") + 1);
    if (!name.endsWith(".sl.yml") || name.startsWith("_config.")) continue;
    const read = `${folderRel}/${name}`;
    diagnostics.push({
      code: "table_in_subfolder",
      severity: "error",
      file: `${folderRel}/${rel}`,
      message: topFiles.has(name)
        ? `Starlake reads table files by name from ${folderRel}/ only, so it reads ${read} a second time for this file and the table is defined twice (starlake validate rejects it); expected one file named ${name}, directly in ${folderRel}/`
        : `Starlake reads table files by name from ${folderRel}/ only and fails on ${read}, which does not exist (starlake validate stops with FileNotFoundException); expected the file directly in ${folderRel}/`,
    });
  }
  return diagnostics;
}

/** What the sub-folders of a transform folder add to its tasks, as Starlake reads them. */
export interface SubfolderTasks {
  /** Task names from SQL or Python files: tasks without a command (Starlake looks for it in the folder only). */
  readonly commandless: readonly string[];
  /** Lower-case names of sub-folder `.sl.yml` files: a command file of that name is no task. */
  readonly hidden: ReadonlySet<string>;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Task files in sub-folders of `metadata/transform/<folder>`. A `.sl.yml` is read from the folder
 * itself: absent there, Starlake logs an error and leaves the task out, and its name still keeps a
 * `.sql` of the same name from being a task; present, the task is defined twice. A `.sql`,
 * `.sql.j2` or `.py` with no description and no `tasks:` entry of its name is a task whose command
 * Starlake looks for in the folder only: absent there, the task has no SQL; present, the task is
 * defined twice. Names compare without case, as in Starlake.
 */
export function subfolderTasks(
  root: string,
  folderRel: string,
  top: {
    readonly files: ReadonlySet<string>;
    readonly folders: readonly string[];
    readonly commands: ReadonlySet<string>;
  },
  described: ReadonlySet<string>,
): SubfolderTasks {
  const entries = nestedFiles(`${root}/${folderRel}`, top.folders).flatMap((rel) => {
    const file = rel.slice(rel.lastIndexOf("/") + 1);
    const ext = TASK_EXTENSIONS.find((x) => file.endsWith(x));
    if (ext === undefined || file.startsWith("_config.")) return [];
    return [{ rel: `${folderRel}/${rel}`, name: file.slice(0, -ext.length), ext }];
  });
  const hidden = new Set(
    entries.filter((e) => e.ext === ".sl.yml").map((e) => e.name.toLowerCase()),
  );
  const diagnostics: Diagnostic[] = [];
  const commandless = new Map<string, string>();
  const twice = (rel: string, name: string, read: string) =>
    diagnostics.push({
      code: "duplicate_task",
      severity: "error",
      file: rel,
      message: `task ${name} is defined twice: Starlake reads task files by name from ${folderRel}/ only, so this file makes it read ${read} again; expected one file named after the task, directly in ${folderRel}/`,
    });
  for (const e of entries) {
    const lower = e.name.toLowerCase();
    if (e.ext === ".sl.yml") {
      if (top.files.has(`${e.name}.sl.yml`)) twice(e.rel, e.name, `${folderRel}/${e.name}.sl.yml`);
      else
        diagnostics.push({
          code: "task_in_subfolder",
          severity: "warning",
          file: e.rel,
          message: `Starlake reads task files by name from ${folderRel}/ only, where ${e.name}.sl.yml does not exist: it logs an error and leaves task ${e.name} out (and with it any ${e.name}.sql); expected the file directly in ${folderRel}/`,
        });
    } else if (hidden.has(lower) || described.has(lower)) {
      // a description of that name (or a `tasks:` entry) makes Starlake skip command files
    } else if (top.commands.has(lower) || commandless.has(lower)) {
      twice(e.rel, e.name, `the command file of ${e.name}`);
    } else {
      commandless.set(lower, e.name);
      diagnostics.push({
        code: "task_in_subfolder",
        severity: "warning",
        file: e.rel,
        message: `Starlake makes task ${e.name} of this file but looks for its command in ${folderRel}/ only, so the task has no SQL (no lineage, nothing to run); expected the file directly in ${folderRel}/`,
      });
    }
  }
  return { commandless: [...commandless.values()], hidden, diagnostics };
}
