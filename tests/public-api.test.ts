import { expect, it } from "vitest";
import * as api from "../src/index.js";

it("exports exactly the reviewed public names", () => {
  expect(Object.keys(api).sort()).toMatchInlineSnapshot(`
    [
      "ConfigError",
      "InternalError",
      "OPTION_SPECS",
      "PipelineBuilder",
      "RemoteError",
      "RunError",
      "SloError",
      "Slots",
      "StateStore",
      "compileProject",
      "cronInterval",
      "cronName",
      "cronProblem",
      "datasetUri",
      "environmentKind",
      "environmentName",
      "environmentNames",
      "executeRun",
      "findCycle",
      "formatDiagnostic",
      "hasErrors",
      "loadArgv",
      "mostFrequentCron",
      "orchestrator",
      "orchestratorNames",
      "planProject",
      "preloadArgv",
      "readProject",
      "registerEnvironment",
      "registerOrchestrator",
      "runPipelines",
      "sanitizeId",
      "scheduledRange",
      "stageArgv",
      "toDot",
      "toMermaid",
      "toSvg",
      "topologicalOrder",
      "transformArgv",
    ]
  `);
});
