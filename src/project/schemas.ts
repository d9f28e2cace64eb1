import { z } from "zod";

/**
 * The parts of Starlake's YAML that we read. Objects are loose: Starlake has many keys we do not
 * use, and they must not be errors. Typos of the keys below are reported by `keyTypos`.
 */
const scalarString = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v));

const freshness = z.looseObject({ warn: scalarString.optional(), error: scalarString.optional() });
const writeStrategy = z.looseObject({ type: z.string().optional() });

export const applicationFile = z.looseObject({
  version: z.number().optional(),
  application: z
    .looseObject({
      // Null when written `{{ variable }}` unquoted and the variable is not defined: the warning
      // about the variable is the root cause, not a type error here.
      connectionRef: z.string().nullable().optional(),
      connections: z
        .record(
          z.string(),
          z.looseObject({
            type: z.string().optional(),
            options: z.record(z.string(), scalarString.nullable()).optional(),
          }),
        )
        .optional(),
      dagRef: z
        .looseObject({ load: z.string().optional(), transform: z.string().optional() })
        .optional(),
      schedulePresets: z.record(z.string(), z.string()).optional(),
      timezone: z.string().optional(),
    })
    .optional(),
});

export const envFile = z.looseObject({
  version: z.number().optional(),
  env: z.record(z.string(), scalarString).optional(),
});

const loadMetadata = z.looseObject({
  schedule: z.string().optional(),
  dagRef: z.string().optional(),
  freshness: freshness.optional(),
  writeStrategy: writeStrategy.optional(),
  directory: z.string().optional(),
  format: z.string().optional(),
});

export const domainFile = z.looseObject({
  version: z.number().optional(),
  load: z.looseObject({
    name: z.string().optional(),
    rename: z.string().optional(),
    comment: z.string().optional(),
    metadata: loadMetadata.optional(),
  }),
});

export const tableFile = z.looseObject({
  version: z.number().optional(),
  table: z.looseObject({
    name: z.string().optional(),
    rename: z.string().optional(),
    pattern: z.string().optional(),
    comment: z.string().optional(),
    metadata: loadMetadata.optional(),
    attributes: z
      .array(z.looseObject({ name: z.string(), type: z.string().optional() }))
      .optional(),
  }),
});

const taskFields = {
  domain: z.string().optional(),
  table: z.string().optional(),
  dagRef: z.string().optional(),
  schedule: z.string().optional(),
  freshness: freshness.optional(),
  writeStrategy: writeStrategy.optional(),
  comment: z.string().optional(),
  tags: z.array(z.string()).optional(),
  connectionRef: z.string().optional(),
  dataset_triggering_strategy: z.string().optional(),
};

export const transformConfigFile = z.looseObject({
  version: z.number().optional(),
  transform: z
    .looseObject({
      name: z.string().optional(),
      default: z.looseObject(taskFields).optional(),
      /** Tasks written in the config itself (Starlake's `AutoJobInfo.tasks`). */
      tasks: z.array(z.looseObject({ name: z.string().optional(), ...taskFields })).optional(),
    })
    .optional(),
});

export const taskFile = z.looseObject({
  version: z.number().optional(),
  task: z.looseObject({ name: z.string().optional(), ...taskFields }),
});

export const dagConfigFile = z.looseObject({
  version: z.number().optional(),
  dag: z.looseObject({
    comment: z.string().optional(),
    template: z.string({
      error: "expected a template path such as load/airflow__scheduled_table__shell.py.j2",
    }),
    filename: z.string({ error: "expected a file name such as {{domain}}.py" }),
    options: z.record(z.string(), z.union([scalarString, z.null()])).optional(),
  }),
});

/** Keys Starlake defines that look like ours but are not typos (they must never get a suggestion). */
export const STARLAKE_KEYS: ReadonlySet<string> = new Set([
  "acl",
  "ack",
  "array",
  "attributes",
  "attributesDesc",
  "clustering",
  "comment",
  "connectionRef",
  "database",
  "dagRef",
  "directory",
  "domain",
  "emptyIsNull",
  "encoding",
  "escape",
  "expectations",
  "extensions",
  "fillWithDefaultValue",
  "format",
  "freshness",
  "ignore",
  "loader",
  "metadata",
  "multiline",
  "name",
  "nullValue",
  "options",
  "parseSQL",
  "partition",
  "pattern",
  "postsql",
  "presql",
  "primaryKey",
  "python",
  "quote",
  "rename",
  "rls",
  "schedule",
  "separator",
  "sink",
  "sql",
  "streams",
  "syncStrategy",
  "table",
  "tags",
  "taskTimeoutMs",
  "type",
  "version",
  "withHeader",
  "writeStrategy",
  "xml",
  "default",
  "template",
  "filename",
  "env",
  "application",
  "load",
  "task",
  "transform",
  "dag",
  "connections",
  "schedulePresets",
  "timezone",
  "audit",
  "archive",
  "area",
  "expectation",
  "refs",
  "dagRefs",
  "accessPolicies",
  "timestamp",
  "on",
  "key",
  "keys",
  "types",
  "tables",
]);
