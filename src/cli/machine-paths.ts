import { hasRoot, rootPieces } from "../backends/python/worker-root.js";

/**
 * The one warning of `slo generate` when files it wrote hold a path of this machine (the project
 * folder, the working folder, the home folder) outside the SL_ROOT the user declared for the
 * workers: a worker would look for the project there. Undefined when none does.
 */
export function machinePathWarning(
  files: readonly { readonly path: string; readonly content: string }[],
  machinePaths: readonly string[],
  declaredRoot: string | undefined,
): string | undefined {
  const found = new Set<string>();
  let count = 0;
  for (const f of files) {
    // the declared root is where the project lives on the workers, not a path of this machine
    const text = declaredRoot
      ? rootPieces(f.content, declaredRoot)
          .filter((p) => typeof p === "string")
          .join("\n")
      : f.content;
    const here = machinePaths.filter((m) => hasRoot(rootPieces(text, m)));
    if (here.length > 0) count++;
    for (const m of here) found.add(m);
  }
  if (found.size === 0) return undefined;
  // the longest path says most (the project folder rather than the working folder holding it)
  const shown = [...found].sort((a, b) => b.length - a.length)[0];
  return `warning: ${count} of ${files.length} generated files hold ${shown}, a path of this machine that the workers would use; set SL_ROOT in their environment, or say where the project lives there with --var SL_ROOT=<folder> (or an exported SL_ROOT) or --sl-root-relative <path from the generated files' folder>`;
}
