import type { Place } from "./diagnostic.js";
import type { JsonValue } from "./pipeline.js";

/**
 * Where and how the Starlake commands of a pipeline run: a closed union, one variant per
 * environment with its own typed settings. Every runner switches on `kind` exhaustively (see
 * `assertNever`), so the type checker finds a runner that forgets one; a runner that cannot
 * honour a variant says so as an error, never by running the command on the local shell.
 */
export type ExecutionEnvironment =
  | ShellEnvironment
  | CloudRunEnvironment
  | DataprocEnvironment
  | FargateEnvironment
  | RegisteredEnvironment;

export type EnvironmentName = ExecutionEnvironment["kind"];

interface EnvironmentCommon {
  /** Starlake variables passed to every command (`sl_env_var`). */
  readonly env: Readonly<Record<string, string>>;
  /** The project's folder as the dag config says (SL_ROOT), where shell commands run. */
  readonly slRoot: string;
  /** Where the dag config chose this environment (its `template`), for messages. */
  readonly at?: Place;
}

/** Starlake on the machine of the runner: `<starlakePath> <argv>` in SL_ROOT. */
export interface ShellEnvironment extends EnvironmentCommon {
  readonly kind: "shell";
  readonly starlakePath: string;
  /** `sl_include_env_vars`: process variables handed to the command (`*`: all). */
  readonly includeEnvVars: readonly string[];
}

/** How a runner waits for a cloud job: in the task (sync), or released and polled (async). */
export type CloudWait =
  | { readonly mode: "sync" }
  /** pokeInterval: seconds between polls. */
  | { readonly mode: "async"; readonly pokeInterval: number };

/** A GCP Cloud Run job executed once per task, its container given the task's argv and env. */
export interface CloudRunEnvironment extends EnvironmentCommon {
  readonly kind: "cloud_run";
  readonly job: string;
  readonly project: string;
  readonly region: string;
  /** Impersonated service account (one email), when set. */
  readonly serviceAccount?: string;
  readonly wait: CloudWait;
  /** Seconds between retries of a Cloud Run task (`retry_delay_in_seconds`). */
  readonly retryDelay: number;
}

/** Machine settings of a Dataproc node group. */
export interface DataprocMachine {
  readonly machineType: string;
  readonly diskType: string;
  /** GB. */
  readonly diskSize: number;
}

/**
 * GCP Dataproc: one cluster per pipeline run, created before the tasks and deleted after them
 * whatever they did; each task is a Spark job on it.
 */
export interface DataprocEnvironment extends EnvironmentCommon {
  readonly kind: "dataproc";
  readonly project: string;
  readonly region: string;
  readonly cluster: {
    /** Prefix of the cluster's name; runners add a part unique to the run. */
    readonly name: string;
    readonly subnet: string;
    readonly serviceAccount?: string;
    readonly imageVersion: string;
    readonly master: DataprocMachine;
    /** 0: a single-node cluster (the master does the work). */
    readonly workers: number;
    readonly worker: DataprocMachine;
    /** Seconds of idleness after which Dataproc deletes the cluster by itself. */
    readonly idleDeleteTtl: number;
  };
  readonly spark: {
    readonly jars: readonly string[];
    readonly mainClass: string;
    readonly bucket: string;
    /** Spark properties of every job (defaults, executor settings, the dag config's own). */
    readonly properties: Readonly<Record<string, string>>;
    /** Properties of some tasks only, by task id, over `properties`. */
    readonly taskProperties: Readonly<Record<string, Readonly<Record<string, string>>>>;
  };
}

/** AWS ECS RunTask on Fargate: the task definition's container runs the task's argv. */
export interface FargateEnvironment extends EnvironmentCommon {
  readonly kind: "fargate";
  readonly region: string;
  readonly cluster: string;
  readonly taskDefinition: string;
  readonly container: string;
  readonly subnets: readonly string[];
  readonly securityGroups: readonly string[];
  /** CPU units and MiB of the container override. */
  readonly cpu: number;
  readonly memory: number;
  readonly wait: CloudWait;
  /** Airflow connection of the AWS account. */
  readonly connection: string;
}

/** An environment registered by a user (`registerEnvironment`): only their own runner knows it. */
export interface RegisteredEnvironment extends EnvironmentCommon {
  readonly kind: "registered";
  readonly name: string;
  readonly settings: Readonly<Record<string, JsonValue>>;
}

/** The name a user knows an environment by (`dataproc`, or a registered one's own name). */
export function environmentName(e: ExecutionEnvironment): string {
  return e.kind === "registered" ? e.name : e.kind;
}

/** For the `default` of an exhaustive switch: a new variant left unhandled fails to type-check. */
export function assertNever(value: never, what: string): never {
  throw new TypeError(`unhandled ${what}: ${JSON.stringify(value)}`);
}

/** The Starlake executable of shell commands; other environments run the one of their image. */
export function starlakePathOf(e: ExecutionEnvironment): string {
  return e.kind === "shell" ? e.starlakePath : "starlake";
}
