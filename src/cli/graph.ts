import { Command, Option } from "commander";
import { toDot } from "../graph/dot.js";
import { toMermaid } from "../graph/mermaid.js";
import { toSvg } from "../graph/svg.js";
import { writeOutputFile } from "../output/write-output.js";
import { planOrFail } from "./plan-or-fail.js";
import { type ProjectFlags, withProjectOptions } from "./project-options.js";
import {
  choosePipelines,
  domainsOption,
  type SelectionFlags,
  tagsOption,
  tasksOption,
} from "./select-pipelines.js";

export function graphCommand(): Command {
  return withProjectOptions(
    new Command("graph")
      .description(
        "draw pipelines as Mermaid, Graphviz DOT or SVG (SVG needs no browser); several are linked by the datasets that trigger them",
      )
      .argument("<project>", "project folder (the one holding metadata/)")
      .option("--pipeline <id...>", "only these pipelines (default: all)")
      .addOption(tagsOption())
      .addOption(domainsOption())
      .addOption(tasksOption())
      .addOption(
        new Option("--format <format>", "output format")
          .choices(["mermaid", "dot", "svg"])
          .default("mermaid"),
      )
      .option("-o, --output <file>", "write to a file instead of standard output"),
  ).action(
    async (
      project: string,
      flags: ProjectFlags & SelectionFlags & { format: string; output?: string },
    ) => {
      const chosen = choosePipelines(await planOrFail(project, flags), flags);
      const text =
        flags.format === "svg"
          ? await toSvg(chosen)
          : flags.format === "dot"
            ? toDot(chosen)
            : toMermaid(chosen);
      if (flags.output) writeOutputFile(flags.output, text);
      else process.stdout.write(text);
    },
  );
}
