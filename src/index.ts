// The public surface of the library. A test snapshots these names: additions are reviewed.
export type { GeneratedFile, Orchestrator, RenderContext } from "./backends/orchestrator.js";
export { orchestrator, orchestratorNames, registerOrchestrator } from "./backends/registry.js";
export type { Node, PipelineSettings as BuilderSettings } from "./builder/pipeline-builder.js";
export { PipelineBuilder } from "./builder/pipeline-builder.js";
export type { CompileOptions, CompileResult } from "./compile/compile-project.js";
export { compileProject } from "./compile/compile-project.js";
export type { PlanResult } from "./compile/plan-project.js";
export { planProject } from "./compile/plan-project.js";
export type { RunOutcome, RunRequest } from "./engine/engine.js";
export { runPipelines } from "./engine/engine.js";
export type { ExecutorSettings, TaskChange } from "./engine/run-executor.js";
export { executeRun } from "./engine/run-executor.js";
export { Slots } from "./engine/slots.js";
export type { AttemptRow, RunRow, RunState, TaskRow } from "./engine/state-store.js";
export { StateStore } from "./engine/state-store.js";
export type { TaskState } from "./engine/trigger.js";
export type { EnvironmentKind } from "./environments/environment-kind.js";
export { environmentKind, environmentNames, registerEnvironment } from "./environments/registry.js";
export { ConfigError, InternalError, RemoteError, RunError, SloError } from "./errors.js";
export { toDot } from "./graph/dot.js";
export { toMermaid } from "./graph/mermaid.js";
export { toSvg } from "./graph/svg.js";
export {
  cronInterval,
  cronName,
  cronProblem,
  mostFrequentCron,
  scheduledRange,
} from "./pipeline/cron.js";
export type { Dataset, DatasetKind } from "./pipeline/dataset.js";
export { datasetUri } from "./pipeline/dataset.js";
export type { Diagnostic, Place } from "./pipeline/diagnostic.js";
export { formatDiagnostic, hasErrors } from "./pipeline/diagnostic.js";
export type {
  CloudRunEnvironment,
  CloudWait,
  DataprocEnvironment,
  DataprocMachine,
  EnvironmentName,
  FargateEnvironment,
  RegisteredEnvironment,
  ShellEnvironment,
} from "./pipeline/environment.js";
export { environmentName } from "./pipeline/environment.js";
export { findCycle, topologicalOrder } from "./pipeline/graph.js";
export { sanitizeId } from "./pipeline/ids.js";
export type {
  AirflowSettings,
  Edge,
  ExecutionEnvironment,
  Group,
  GroupKind,
  JsonValue,
  LoadRecovery,
  Pipeline,
  PipelineKind,
  PipelineSource,
  PreloadGate,
  PreloadStrategy,
  Task,
  TaskDefaults,
  TaskKind,
  TriggerRule,
} from "./pipeline/pipeline.js";
export type {
  CronSchedule,
  DatasetSchedule,
  ManualSchedule,
  Schedule,
  TriggerExpression,
  TriggerStrategy,
} from "./pipeline/schedule.js";
export type {
  Application,
  DagConfig,
  LoadDomain,
  LoadTable,
  Located,
  Project,
  Transform,
  Upstream,
} from "./project/project.js";
export type { ReadOptions, ReadResult } from "./project/read-project.js";
export { readProject } from "./project/read-project.js";
export { loadArgv, preloadArgv, stageArgv, transformArgv } from "./starlake/argv.js";
export type { OptionSpec, OptionType, OptionValue } from "./starlake/options.js";
export { OPTION_SPECS } from "./starlake/options.js";
