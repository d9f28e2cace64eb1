import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { ConfigError } from "../errors.js";
import { AirflowClient, type AirflowCredentials } from "./airflow/airflow-client.js";
import { readConfigFile } from "./config-file.js";
import { DagsterClient } from "./dagster/dagster-client.js";
import type { Endpoint } from "./http.js";

/**
 * Connection profiles: where the remote orchestrators are and how to log in, kept in a YAML file
 * that can be checked into git because it holds no secret, only the names of the environment
 * variables that carry them.
 */

const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "expected an environment variable name")
  .meta({ description: "Name of an environment variable holding the secret (never the secret)." });

const common = {
  url: z
    .url({ protocol: /^https?$/, error: "expected an http(s) URL" })
    .refine((u) => !new URL(u).username && !new URL(u).password, {
      error: "credentials do not belong in the URL: use the *_env keys",
    })
    .meta({ description: "Base URL of the server, e.g. http://127.0.0.1:3000" }),
  timeout_seconds: z
    .number()
    .positive()
    .default(30)
    .meta({ description: "Time limit of one HTTP request, its whole answer included." }),
  retries: z
    .number()
    .int()
    .min(0)
    .default(4)
    .meta({ description: "Further tries after a transient failure (connection refused, 5xx)." }),
};

export const dagsterProfileSchema = z
  .object({
    kind: z.literal("dagster"),
    ...common,
    location: z
      .string()
      .optional()
      .meta({ description: "Code location to use when a job name exists in several." }),
    token_env: envName.optional().meta({
      description:
        "Environment variable with a Dagster+ API token (header Dagster-Cloud-Api-Token).",
    }),
  })
  .strict();

export const airflowProfileSchema = z
  .object({
    kind: z.literal("airflow"),
    ...common,
    username_env: envName.optional(),
    password_env: envName.optional(),
    token_env: envName.optional().meta({
      description: "Environment variable with a ready JWT (instead of username/password).",
    }),
  })
  .strict();

export const profilesFileSchema = z
  .object({
    default: z
      .string()
      .optional()
      .meta({ description: "Profile used when --profile is not given." }),
    profiles: z.record(
      z.string().regex(/^[A-Za-z0-9_.-]+$/, "expected a profile name of letters, digits, _ . -"),
      z.discriminatedUnion("kind", [dagsterProfileSchema, airflowProfileSchema]),
    ),
  })
  .strict()
  .meta({ title: "slo connection profiles", description: "Remote Airflow and Dagster servers." });

export type DagsterProfile = z.output<typeof dagsterProfileSchema>;
export type AirflowProfile = z.output<typeof airflowProfileSchema>;
export type Profile = (DagsterProfile | AirflowProfile) & { readonly name: string };

export type RemoteClient =
  | { readonly kind: "dagster"; readonly client: DagsterClient; readonly profile: Profile }
  | { readonly kind: "airflow"; readonly client: AirflowClient; readonly profile: Profile };

/** Where the profiles file is looked for when --profiles is not given. */
export function profilesPath(given: string | undefined, env = process.env): string {
  if (given) return given;
  if (env.SLO_PROFILES) return env.SLO_PROFILES;
  const local = "slo-profiles.yml";
  if (existsSync(local)) return local;
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), ".config"), "slo", "profiles.yml");
}

/** The named profile (else SLO_PROFILE, else the file's default, else its only profile). */
export function loadProfile(file: string, name?: string, env = process.env): Profile {
  if (!existsSync(file))
    throw new ConfigError(
      `${file}: no profiles file (write one, see docs/remote.md, or pass --profiles FILE)`,
    );
  const parsed = readConfigFile(file, profilesFileSchema);
  const names = Object.keys(parsed.profiles);
  const chosen =
    name ?? env.SLO_PROFILE ?? parsed.default ?? (names.length === 1 ? names[0] : undefined);
  if (chosen === undefined)
    throw new ConfigError(`${file}: several profiles (${names.join(", ")}): pass --profile NAME`);
  const profile = parsed.profiles[chosen];
  if (profile === undefined)
    throw new ConfigError(
      `${file}: no profile ${chosen}; the file has ${names.join(", ") || "none"}`,
    );
  return { ...profile, name: chosen };
}

/** Builds the client of a profile, reading its secrets from the environment. */
export function connect(profile: Profile, file: string, env = process.env): RemoteClient {
  const secret = (key: string, variable: string | undefined): string | undefined => {
    if (variable === undefined) return undefined;
    const value = env[variable];
    if (value === undefined || value === "")
      throw new ConfigError(
        `${file}: profiles.${profile.name}.${key}: environment variable ${variable} is not set`,
      );
    return value;
  };
  const endpoint = (secrets: (string | undefined)[]): Endpoint => ({
    kind: profile.kind,
    baseUrl: profile.url.replace(/\/+$/, ""),
    timeoutMs: profile.timeout_seconds * 1000,
    retries: profile.retries,
    backoffMs: 250,
    secrets: secrets.filter((s): s is string => s !== undefined),
  });
  if (profile.kind === "dagster") {
    const token = secret("token_env", profile.token_env);
    return { kind: "dagster", client: new DagsterClient(endpoint([token]), token), profile };
  }
  const token = secret("token_env", profile.token_env);
  const username = secret("username_env", profile.username_env);
  const password = secret("password_env", profile.password_env);
  if ((username === undefined) !== (password === undefined))
    throw new ConfigError(
      `${file}: profiles.${profile.name}: set both username_env and password_env, or neither`,
    );
  const credentials: AirflowCredentials = token
    ? { token }
    : username !== undefined && password !== undefined
      ? { username, password }
      : undefined;
  return {
    kind: "airflow",
    client: new AirflowClient(endpoint([token, password]), credentials),
    profile,
  };
}
