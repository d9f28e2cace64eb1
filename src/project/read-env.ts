import type { Diagnostic } from "../pipeline/diagnostic.js";
import { diagnosticAt } from "../pipeline/diagnostic.js";
import { listDir } from "./files.js";
import { readYaml } from "./read-yaml.js";
import { envFile } from "./schemas.js";
import { renderTemplate } from "./template.js";
import type { Variables } from "./variables.js";
import type { YamlFile } from "./yaml-file.js";

export interface EnvInput {
  /** The project folder as Starlake's SL_ROOT. */
  readonly slRoot: string;
  /** `--sl-env` (the CLI defaults it to $SL_ENV). */
  readonly slEnv?: string;
  /** `--var K=V`: Starlake's command-line variables (`--options`). */
  readonly overrides: Variables;
  /** The process environment. */
  readonly environment: Readonly<Record<string, string | undefined>>;
}

/**
 * The active variables, merged as Starlake's `SchemaHandler.loadActiveEnvVars` merges them:
 * process environment (with SL_ROOT) < `env.sl.yml` < `env.<SL_ENV>.sl.yml` < command-line values,
 * then every key that some `env.*.sl.yml` declares but nothing defined becomes empty, then the
 * folder variables (SL_DATASETS, SL_INCOMING…).
 * Env files are parsed as written (Starlake does not render them before parsing); their values
 * are rendered: `env.sl.yml`'s over the environment, `env.<SL_ENV>.sl.yml`'s over the environment,
 * `env.sl.yml` and the file's own other keys. The active SL_ENV is `--sl-env`, else `SL_ENV` of
 * the environment, else `SL_ENV` set in `env.sl.yml`.
 */
export function readEnv(
  root: string,
  input: EnvInput,
): { vars: Record<string, string>; slEnv?: string; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const external: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.environment)) if (v !== undefined) external[k] = v;
  external.SL_ROOT = input.slRoot;
  const global = readValues(root, "metadata/env.sl.yml", external, input.overrides, diagnostics);
  const slEnv = input.slEnv || input.environment.SL_ENV || global.SL_ENV || undefined;
  const local = slEnv
    ? readValues(
        root,
        `metadata/env.${slEnv}.sl.yml`,
        { ...external, ...global },
        input.overrides,
        diagnostics,
      )
    : {};
  const vars: Record<string, string> = {
    ...external,
    ...(slEnv ? { SL_ENV: slEnv } : {}),
    ...global,
    ...local,
    ...input.overrides,
  };
  for (const key of declaredKeys(root)) vars[key] ??= "";
  Object.assign(vars, areaVars(input.slRoot, input.environment));
  return { vars, ...(slEnv ? { slEnv } : {}), diagnostics };
}

/** Values of one env file, rendered; undefined names render empty and are reported. */
function readValues(
  root: string,
  rel: string,
  scope: Variables,
  overrides: Variables,
  diagnostics: Diagnostic[],
): Record<string, string> {
  const read = readYaml(root, rel, envFile);
  if (read === undefined) return {};
  diagnostics.push(...read.diagnostics);
  const raw = read.value?.env ?? {};
  const yaml = read.yaml;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    // A value may use the file's other keys (one level, as Starlake substitutes them first).
    const others = Object.fromEntries(Object.entries(raw).filter(([k]) => k !== key));
    out[key] = renderValue(value, { ...scope, ...others, ...overrides }, yaml, key, diagnostics);
  }
  return out;
}

function renderValue(
  value: string,
  vars: Variables,
  yaml: YamlFile | undefined,
  key: string,
  diagnostics: Diagnostic[],
): string {
  let r = renderTemplate(value, vars);
  // A substituted value may itself name variables: one more pass, as Starlake's substitution does.
  if (r.undefinedNames.length === 0 && r.problems.length === 0 && r.text !== value) {
    const again = renderTemplate(r.text, vars);
    if (again.problems.length === 0) r = again;
  }
  const at = yaml?.placeOf(["env", key]);
  for (const u of r.undefinedNames) {
    diagnostics.push(
      diagnosticAt(
        at,
        "warning",
        "undefined_variable",
        `env.${key}: variable ${u.name} is not defined; it renders empty (define it in the environment, an env file or --var)`,
      ),
    );
  }
  for (const p of r.problems) {
    diagnostics.push(diagnosticAt(at, "error", "invalid_template", `env.${key}: ${p.message}`));
  }
  return r.text;
}

/**
 * The folder variables Starlake adds last (`SchemaHandler.activeEnvVars`, values from its settings:
 * the environment, else the defaults of `reference-general.conf`); they win over the env files.
 */
function areaVars(
  slRoot: string,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const metadata = env.SL_METADATA || `${slRoot}/metadata`;
  const incoming = env.SL_INCOMING || env.SL_AREA_INCOMING || "incoming";
  return {
    SL_AREA_INCOMING: incoming,
    SL_INCOMING: incoming,
    SL_AREA_STAGE: env.SL_AREA_STAGE || "stage",
    SL_AREA_UNRESOLVED: env.SL_AREA_UNRESOLVED || "unresolved",
    SL_AREA_ARCHIVE: env.SL_AREA_ARCHIVE || "archive",
    SL_AREA_INGESTING: env.SL_AREA_INGESTING || "ingesting",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Starlake's own placeholder syntax
    SL_AREA_HIVE_DATABASE: env.SL_AREA_HIVE_DATABASE || "${domain}_${area}",
    SL_DATASETS: env.SL_DATASETS || `${slRoot}/datasets`,
    SL_METADATA: metadata,
    SL_DAGS: env.SL_DAGS || `${metadata}/dags`,
    SL_TESTS: env.SL_TESTS || "tests",
    SL_TYPES: env.SL_TYPES || `${metadata}/types`,
    SL_MACROS: env.SL_MACROS || `${metadata}/macros`,
  };
}

/** Keys of every `metadata/env*.sl.yml` (Starlake's `EnvDesc.allEnvVars`), read without checks. */
function declaredKeys(root: string): string[] {
  const keys: string[] = [];
  for (const e of listDir(`${root}/metadata`)) {
    if (e.isDir || !/^env\..+\.sl\.yml$/.test(e.name) || e.name === "env.sl.yml") continue;
    const read = readYaml(root, `metadata/${e.name}`, envFile);
    keys.push(...Object.keys(read?.value?.env ?? {}));
  }
  return keys;
}
