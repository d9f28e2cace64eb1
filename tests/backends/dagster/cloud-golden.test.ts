import { describe, expect, it } from "vitest";
import { renderDagsterDefinitions } from "../../../src/backends/dagster/render-definitions.js";
import { lintPython } from "../../../src/backends/python/format.js";
import { planProject } from "../../../src/compile/plan-project.js";
import { type CloudName, envProject } from "../../helpers/cloud-projects.js";
import { fixture } from "../../helpers/fixture.js";

const ENVS: readonly CloudName[] = ["cloud_run", "dataproc", "fargate"];

const render = async (env: CloudName) => {
  const r = await planProject(fixture(envProject(env)), { vars: { SL_ROOT: "/srv/p" }, env: {} });
  expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return renderDagsterDefinitions(r.pipelines, "cloud");
};

describe("Dagster definitions of the cloud environments: golden, deterministic", () => {
  for (const env of ENVS)
    it(`${env}: byte-identical twice, lint-clean, as reviewed in tests/golden/dagster-cloud/`, async () => {
      const text = await render(env);
      expect(await render(env)).toBe(text);
      expect(lintPython(text)).toEqual([]);
      await expect(text).toMatchFileSnapshot(`../../golden/dagster-cloud/${env}/definitions.py`);
    });

  it("each file holds its own environment's runtime only, and no shell command", async () => {
    const runners = {
      cloud_run: "_run_cloud_run",
      dataproc: "_run_dataproc",
      fargate: "_run_fargate",
    };
    for (const env of ENVS) {
      const text = await render(env);
      for (const [other, runner] of Object.entries(runners))
        expect(text.includes(`def ${runner}(`), `${env} file, ${runner}`).toBe(other === env);
      expect(text.includes("_dataproc_resources()")).toBe(env === "dataproc");
      expect(text.includes("import boto3")).toBe(env === "fargate");
      expect(text.includes("from google.cloud import")).toBe(env !== "fargate");
    }
  });
});
