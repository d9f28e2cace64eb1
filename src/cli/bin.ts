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
const { dropOutputToClosedPipes } = await import("./closed-pipe.js");
dropOutputToClosedPipes();
const { main } = await import("./main.js");
process.exitCode = await main(process.argv.slice(2));
