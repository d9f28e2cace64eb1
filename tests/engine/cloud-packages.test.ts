import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planProject } from "../../src/compile/plan-project.js";
import { CLOUD_PACKAGES, installedPackage } from "../../src/engine/cloud/cloud-packages.js";
import { checkRunnable, runPipelines } from "../../src/engine/engine.js";
import { Slots } from "../../src/engine/slots.js";
import { StateStore } from "../../src/engine/state-store.js";
import { ConfigError } from "../../src/errors.js";
import type { Pipeline } from "../../src/pipeline/pipeline.js";
import { type CloudName, envProject } from "../helpers/cloud-projects.js";
import { fixture } from "../helpers/fixture.js";

// The cloud clients are optional dependencies: a run that needs a missing one says which and how
// to install it, in one located line, before anything runs. Deleting node_modules is not an
// option in a test: the engine's resolver is a seam.

async function loadOf(env: CloudName): Promise<Pipeline[]> {
  const r = await planProject(fixture(envProject(env)), { vars: { SL_ROOT: "/srv/p" }, env: {} });
  return r.pipelines.filter((p) => p.id === "load_shop");
}

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    expect(e.exitCode).toBe(2);
    expect(e.message.split("\n")).toHaveLength(1);
    return e.message;
  }
  throw new Error("not refused");
}

describe("a missing cloud client package", () => {
  for (const env of ["fargate", "cloud_run", "dataproc"] as const)
    it(`${env}: one line naming ${CLOUD_PACKAGES[env]} and npm install`, async () => {
      const pipelines = await loadOf(env);
      const asked: string[] = [];
      const message = refusal(() =>
        checkRunnable(pipelines, {
          baseEnv: { PATH: "" },
          resolvePackage: (name) => {
            asked.push(name);
            return false;
          },
        }),
      );
      expect(asked).toEqual([CLOUD_PACKAGES[env]]);
      expect(message).toBe(
        `metadata/dags/load_all.sl.yml:3:13: error[missing_package]: dag config load_all (pipeline load_shop): execution environment ${env} needs the npm package ${CLOUD_PACKAGES[env]}, which is not installed: npm install ${CLOUD_PACKAGES[env]}`,
      );
    });

  it("refuses the run before anything is recorded or started", async () => {
    const pipelines = await loadOf("fargate");
    const dir = mkdtempSync(join(tmpdir(), "slo-packages-"));
    const store = new StateStore(join(dir, "state.db"));
    try {
      await expect(
        runPipelines(
          store,
          { pipelines },
          {
            baseEnv: { PATH: "" },
            logsDir: join(dir, "logs"),
            slots: new Slots(2),
            resolvePackage: () => false,
          },
        ),
      ).rejects.toThrow(/npm install @aws-sdk\/client-ecs$/);
      expect(store.runs()).toEqual([]);
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the real resolver finds the installed clients and not an unknown name", () => {
    for (const name of Object.values(CLOUD_PACKAGES)) expect(installedPackage(name)).toBe(true);
    expect(installedPackage("@slo-test/no-such-package")).toBe(false);
  });

  it("a shell pipeline asks for no package", async () => {
    const r = await planProject(fixture(envProject("shell")), {
      vars: { SL_ROOT: tmpdir() },
      env: {},
    });
    const asked: string[] = [];
    checkRunnable(
      r.pipelines.map((p) => ({ ...p, environment: { ...p.environment, slRoot: tmpdir() } })),
      {
        baseEnv: { PATH: "" },
        starlake: "/bin/true",
        resolvePackage: (name) => {
          asked.push(name);
          return false;
        },
      },
    );
    expect(asked).toEqual([]);
  });
});

describe("the Google test endpoint (SLO_GOOGLE_API_ENDPOINT)", () => {
  it("is refused unless it is host:port", async () => {
    const pipelines = await loadOf("cloud_run");
    for (const bad of [
      "127.0.0.1",
      "http://127.0.0.1:80",
      "127.0.0.1:0",
      "127.0.0.1:99999",
      "a b:1",
    ])
      expect(
        refusal(() =>
          checkRunnable(pipelines, { baseEnv: { PATH: "", SLO_GOOGLE_API_ENDPOINT: bad } }),
        ),
      ).toMatch(/^error\[bad_input\]: SLO_GOOGLE_API_ENDPOINT=".*": expected host:port/);
    checkRunnable(pipelines, { baseEnv: { PATH: "", SLO_GOOGLE_API_ENDPOINT: "127.0.0.1:8085" } });
  });
});
