import { describe, expect, it } from "vitest";
import { airflow } from "../../src/backends/airflow/airflow-orchestrator.js";
import { planProject } from "../../src/compile/plan-project.js";
import { type CloudName, envProject } from "../helpers/cloud-projects.js";
import { fixture } from "../helpers/fixture.js";

const ENVS: readonly CloudName[] = ["cloud_run", "dataproc", "fargate"];

describe("Airflow files of the cloud environments: golden, deterministic", () => {
  for (const env of ENVS)
    it(`${env}: byte-identical on a second compile, as reviewed in tests/golden/airflow-cloud/`, async () => {
      const render = async () => {
        const r = await planProject(fixture(envProject(env)), {
          vars: { SL_ROOT: "/srv/p" },
          env: {},
        });
        return airflow.render(r.pipelines, { source: "cloud" });
      };
      const [first, second] = [await render(), await render()];
      expect(second).toEqual(first);
      for (const f of first)
        await expect(f.content).toMatchFileSnapshot(`../golden/airflow-cloud/${env}/${f.path}`);
    });
});
