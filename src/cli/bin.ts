#!/usr/bin/env node
// Checked before anything else loads: older Node versions fail later with obscure errors.
const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 13)) {
  process.stderr.write(`slo needs Node 22.13 or newer; this is Node ${process.versions.node}\n`);
  process.exit(2);
}
// Node 22 calls node:sqlite experimental and says so on stderr as it loads, before every command's
// output: an error meant to be one line became three. Only that warning is dropped.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const type = typeof rest[0] === "string" ? rest[0] : (rest[0] as { type?: unknown })?.type;
  if (type === "ExperimentalWarning" && /\bSQLite\b/.test(String(warning))) return;
  (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;
// Node keeps the code it compiled for slo's modules in slo's cache folder, so later runs start
// sooner; `--no-cache` and SLO_NO_CACHE=1 turn it off with the other caches. A folder that cannot
// be written only means no cache (Node says nothing then).
if (!process.env.SLO_NO_CACHE && !process.argv.includes("--no-cache")) {
  const [{ enableCompileCache }, { join }, { defaultCacheFolder }] = await Promise.all([
    import("node:module"),
    import("node:path"),
    import("../project/cache-folder.js"),
  ]);
  enableCompileCache?.(join(defaultCacheFolder(process.env), "node-compile"));
}
const { dropOutputToClosedPipes } = await import("./closed-pipe.js");
dropOutputToClosedPipes();
const { main } = await import("./main.js");
process.exitCode = await main(process.argv.slice(2));
