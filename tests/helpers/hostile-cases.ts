import { mulberry32 as random } from "./seeded-random.js";
/**
 * Seeded projects whose user-controlled strings carry hostile payloads, for the property test of
 * tests/integration/hostile-fields.test.ts (issue 16). One case is one small project: a load
 * domain with one table, one transform, a load and a transform dag config.
 */

/** Text shells, Python, Jinja, YAML, JSON and Starlake's lists treat specially. */
export const PAYLOADS: readonly string[] = [
  "it's",
  'say "hi"',
  '"""',
  "'''",
  "back\\slash\\",
  "$(touch /tmp/slo-pwned)",
  "`touch /tmp/slo-pwned`",
  "; touch /tmp/slo-pwned #",
  // a shell variable, bare and braced
  "$HOME $" + "{HOME}",
  "{{ ds }}",
  "{% if true %}x{% endif %}",
  "{# note #}",
  "{{SL_ROOT}}",
  "nul\u0000byte",
  "cr\rhere",
  "crlf\r\nhere",
  "line\nbreak",
  "tab\there",
  "sep\u2028arator\u2029",
  "lone\ud800half",
  "x".repeat(300),
  "a,b",
  "k=v",
  "script.sh",
  "script.bash",
  "é ü 漢字 😀",
  "ünïcödé_漢字😀",
  "%s %(x)s {0}",
  "-rf",
  " spaced out ",
  "\\x00\\n",
  "",
];

export interface HostileCase {
  readonly id: string;
  /** Each field and the value it got (for the failure message). */
  readonly fields: Readonly<Record<string, string>>;
  readonly files: Readonly<Record<string, string>>;
  /** Project variables (note: used inside sl_env_var). */
  readonly vars: Readonly<Record<string, string>>;
}

/** A YAML double-quoted scalar of any text (JSON's escapes are YAML's; line separators escaped). */
const yamlString = (s: string) =>
  JSON.stringify(s).replace(/[\u0085\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);

/** A file name: no folder separator, no NUL, at most 120 UTF-16 units. */
const fileSafe = (s: string) =>
  s
    .replaceAll("/", "_")
    .replaceAll("\u0000", "_")
    .replace(/[\ud800-\udfff]/g, "_")
    .slice(0, 120) || "t";

export function hostileCase(seed: number, n: number): HostileCase {
  const next = random(seed * 7919 + n);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  const payload = () => {
    const parts = [pick(PAYLOADS)];
    if (next() < 0.3) parts.push(pick(PAYLOADS));
    return `v${parts.join("")}`;
  };
  // one to three fields get payloads, the others stay benign: a case tests what it changes
  const names = [
    "domain",
    "table",
    "transformDomain",
    "transformName",
    "comment",
    "envKey",
    "envValue",
    "note",
    "tags",
    "pool",
    "ackFile",
    "schedule",
    "timezone",
    "pattern",
  ];
  const hostile = new Set<string>();
  const count = 1 + Math.floor(next() * 3);
  while (hostile.size < count) hostile.add(pick(names));
  const field = (name: string, benign: string) => (hostile.has(name) ? payload() : benign);
  const id = `c${n}`;
  const f = {
    domain: field("domain", "sales"),
    table: field("table", "orders"),
    transformDomain: field("transformDomain", "kpi"),
    transformName: fileSafe(field("transformName", "revenue")),
    comment: field("comment", "Pipeline {{domain}}"),
    // SL_ names, so that the stand-in records the variable when the name is valid
    envKey: `SL_${field("envKey", "EXTRA")}`,
    envValue: field("envValue", "plain"),
    note: field("note", "note"),
    tags: field("tags", "nightly"),
    pool: field("pool", "default_pool"),
    ackFile: field("ackFile", "ack/ready.ack"),
    schedule: field("schedule", "daily"),
    timezone: field("timezone", "UTC"),
    // the table's file pattern reaches the generated files (the runners match it before a load)
    pattern: field("pattern", "t1_.*\\.csv"),
    strategy: pick(["none", "pending", "imported", "ack"]),
    sensor: pick(["true", "false"]),
  };
  const env = JSON.stringify({
    SL_ROOT: "{{SL_ROOT}}",
    [f.envKey]: f.envValue,
    SL_NOTE: "{{note}}",
  });
  const options = (extra: Record<string, string>) =>
    Object.entries({
      sl_env_var: env,
      tags: f.tags,
      default_pool: f.pool,
      timezone: f.timezone,
      // a failing task fails the run at once, instead of waiting for a retry
      retries: "0",
      ...extra,
    }).map(([k, v]) => `    ${k}: ${yamlString(v)}`);
  const dag = (template: string, file: string, extra: Record<string, string>) =>
    [
      "version: 1",
      "dag:",
      `  comment: ${yamlString(f.comment)}`,
      `  template: ${yamlString(template)}`,
      `  filename: ${yamlString(file)}`,
      "  options:",
      ...options(extra),
      "",
    ].join("\n");
  const files: Record<string, string> = {
    "metadata/application.sl.yml": [
      "version: 1",
      "application:",
      "  dagRef:",
      `    load: ${id}_load`,
      `    transform: ${id}_transform`,
      "  schedulePresets:",
      '    daily: "0 2 * * *"',
      "",
    ].join("\n"),
    [`metadata/dags/${id}_load.sl.yml`]: dag(
      "load/airflow__scheduled_table__shell.py.j2",
      `${id}_load.py`,
      {
        pre_load_strategy: f.strategy,
        pre_load_sensor: f.sensor,
        pre_load_poke_interval: "1",
        pre_load_timeout: "60",
        global_ack_file_path: `{{SL_ROOT}}/${f.ackFile}`,
      },
    ),
    [`metadata/dags/${id}_transform.sl.yml`]: dag(
      "transform/airflow__scheduled_task__shell.py.j2",
      `${id}_transform.py`,
      {},
    ),
    "metadata/load/d/_config.sl.yml": `version: 1\nload:\n  name: ${yamlString(f.domain)}\n  metadata:\n    schedule: ${yamlString(f.schedule)}\n`,
    "metadata/load/d/t1.sl.yml": `version: 1\ntable:\n  name: ${yamlString(f.table)}\n  pattern: ${yamlString(f.pattern)}\n`,
    "metadata/transform/kpi/_config.sl.yml":
      "version: 1\ntransform:\n  default:\n    schedule: daily\n",
    [`metadata/transform/kpi/${f.transformName}.sql`]: "SELECT 1 AS one\n",
    [`metadata/transform/kpi/${f.transformName}.sl.yml`]: `version: 1\ntask:\n  domain: ${yamlString(f.transformDomain)}\n`,
  };
  return { id, fields: f, files, vars: { note: f.note } };
}

/**
 * Why a case must be refused at validate (empty: it must be accepted), from what each field
 * holds: the rules of issue 16, written independently of the code that applies them.
 */
export function expectedRejections(f: Readonly<Record<string, string>>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(f))
    if (v.includes("\u0000") || /[\ud800-\udfff]/u.test(v)) out.push(`${k}: NUL or lone surrogate`);
  for (const k of ["domain", "table"]) if ((f[k] ?? "").includes(",")) out.push(`${k}: comma`);
  for (const k of ["domain", "table", "transformDomain", "transformName"])
    if ((f[k] ?? "").length > 100) out.push(`${k}: longer than 100`);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(rendered(f.envKey ?? "")))
    out.push("envKey: not a variable name");
  for (const k of ["envValue", "note"])
    if ((f[k] ?? "").includes(",")) out.push(`${k}: comma in --options`);
  if (!/^\S{1,256}$/.test(rendered(f.pool ?? ""))) out.push("pool: spaces or length");
  if ((f.tags ?? "").split(/\s+/).some((t) => t.length > 100)) out.push("tags: longer than 100");
  if (f.schedule !== "daily") out.push("schedule: not a cron or preset");
  if (f.timezone !== "UTC") out.push("timezone: not a zone");
  return out;
}

/**
 * A dag config option as Starlake reads it: the file is rendered as a template first, so the
 * template payloads become what Jinjava makes of them (`ds` is not a project variable: empty).
 */
function rendered(value: string): string {
  return value
    .replace(/\{\{\s*ds\s*\}\}/g, "")
    .replace(/\{#.*?#\}/g, "")
    .replace(/\{% if true %\}(.*?)\{% endif %\}/g, "$1");
}
