// Builds dist/ from nothing, for `npm pack` and `npm publish` (the prepack script): a file left
// in dist/ by a source since deleted would otherwise ship in the package.
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
rmSync(join(root, "dist"), { recursive: true, force: true });
// The Python runtimes into their TypeScript modules first (a no-op when they are up to date).
execFileSync(process.execPath, [join(root, "scripts/inline-python.mjs")], {
  cwd: root,
  stdio: "inherit",
});
// TypeScript's own entry point, run by this Node: no shell, and the same on every platform.
const tsc = createRequire(join(root, "package.json")).resolve("typescript/bin/tsc");
execFileSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], {
  cwd: root,
  stdio: "inherit",
});
