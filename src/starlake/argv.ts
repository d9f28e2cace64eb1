import type { PreloadStrategy } from "../pipeline/pipeline.js";

/** Options every preload and stage command carries (spec §4.1). */
const RUN_MODE_OPTIONS = "SL_RUN_MODE=main,SL_LOG_LEVEL=info";

/** `starlake preload`: is there anything to load for these tables? */
export function preloadArgv(p: {
  domain: string;
  tables: readonly string[];
  strategy: Exclude<PreloadStrategy, "none">;
  ackFile?: string;
  sentinel?: string;
}): string[] {
  const argv = [
    "preload",
    "--domain",
    p.domain,
    "--tables",
    p.tables.join(","),
    "--strategy",
    p.strategy,
    "--options",
    RUN_MODE_OPTIONS,
  ];
  if (p.strategy === "ack" && p.ackFile !== undefined) argv.push("--globalAckFilePath", p.ackFile);
  if (p.sentinel !== undefined) argv.push("--notReadySentinel", p.sentinel);
  return argv;
}

/** `starlake stage` (formerly `import`): move landed files to the pending area. */
export function stageArgv(p: { domain: string; tables: readonly string[] }): string[] {
  return [
    "stage",
    "--domains",
    p.domain,
    "--tables",
    p.tables.join(","),
    "--options",
    RUN_MODE_OPTIONS,
  ];
}

/** `starlake load` of one table. */
export function loadArgv(p: { domain: string; table: string }): string[] {
  return ["load", "--domains", p.domain, "--tables", p.table];
}

/** `starlake transform` of one task; `options` are `k=v` fragments. */
export function transformArgv(p: { name: string; options?: readonly string[] }): string[] {
  const options = (p.options ?? []).filter((o) => o.length > 0);
  return [
    "transform",
    "--name",
    p.name,
    ...(options.length > 0 ? ["--options", options.join(",")] : []),
  ];
}

/** The preload task id of spec §2.5: it names what is checked. */
export function preloadTaskSuffix(strategy: Exclude<PreloadStrategy, "none">): string {
  return { imported: "incoming_files", pending: "pending_files", ack: "ack_file" }[strategy];
}
