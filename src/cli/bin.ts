#!/usr/bin/env node
// Checked before anything else loads: older Node versions fail later with obscure errors.
const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 13)) {
  process.stderr.write(`slo needs Node 22.13 or newer; this is Node ${process.versions.node}\n`);
  process.exit(2);
}
const { dropOutputToClosedPipes } = await import("./closed-pipe.js");
dropOutputToClosedPipes();
const { main } = await import("./main.js");
process.exitCode = await main(process.argv.slice(2));
