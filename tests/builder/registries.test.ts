import { describe, expect, it } from "vitest";
import {
  orchestrator,
  orchestratorNames,
  registerOrchestrator,
} from "../../src/backends/registry.js";
import { PipelineBuilder } from "../../src/builder/pipeline-builder.js";
import {
  environmentKind,
  environmentNames,
  registerEnvironment,
} from "../../src/environments/registry.js";

describe("registries", () => {
  it("lists the built-in execution environments and accepts new ones", () => {
    expect(environmentNames()).toEqual(
      expect.arrayContaining(["cloud_run", "dataproc", "fargate", "shell"]),
    );
    registerEnvironment({
      name: "k8s",
      settings: (o) => ({ settings: { namespace: o.k8s_namespace ?? "default" }, diagnostics: [] }),
    });
    expect(environmentKind("k8s")?.settings({}, () => undefined).settings).toEqual({
      namespace: "default",
    });
  });

  it("reports a cloud environment's missing required option", () => {
    const r = environmentKind("fargate")?.settings({ aws_cluster_name: "c" }, () => ({
      file: "d.sl.yml",
      line: 3,
      col: 5,
    }));
    expect(r?.diagnostics.map((d) => d.message)).toEqual([
      "the fargate environment needs option aws_task_definition_name",
      "the fargate environment needs option aws_task_definition_container_name",
      "the fargate environment needs option aws_task_private_subnets",
    ]);
    expect(r?.diagnostics[0]).toMatchObject({ file: "d.sl.yml", line: 3, col: 5 });
  });

  it("renders pipelines with a user-registered orchestrator", () => {
    registerOrchestrator({
      name: "listing",
      description: "one line per task",
      render: (pipelines) =>
        pipelines.map((p) => ({
          path: `${p.id}.txt`,
          content: p.tasks.map((t) => t.id).join("\n"),
        })),
    });
    const b = new PipelineBuilder({ id: "demo" });
    b.start().before(b.end());
    expect(orchestratorNames()).toContain("listing");
    expect(orchestrator("listing")?.render([b.build()], { source: "test" })).toEqual([
      { path: "demo.txt", content: "start\nend" },
    ]);
    expect(() =>
      registerOrchestrator({ name: "listing", description: "", render: () => [] }),
    ).toThrow(/already registered/);
  });
});
