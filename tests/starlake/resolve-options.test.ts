import { describe, expect, it } from "vitest";
import { OPTION_SPECS } from "../../src/starlake/options.js";
import { type RawOption, resolveOptions } from "../../src/starlake/resolve-options.js";

const raw = (o: Record<string, string>) =>
  new Map<string, RawOption>(
    Object.entries(o).map(([k, v]) => [k, { value: v, at: { file: "d.sl.yml", line: 1, col: 1 } }]),
  );

describe("resolveOptions", () => {
  it("gives every option its typed default", () => {
    const { values, diagnostics } = resolveOptions(raw({}), {});
    expect(diagnostics).toEqual([]);
    for (const spec of OPTION_SPECS) expect(values[spec.key]).toEqual(spec.default);
    expect(values.retries).toBe(1);
    expect(values.retry_delay).toBe(300);
    expect(values.pre_load_strategy).toBe("none");
    expect(values.dataset_triggering_strategy).toBe("any");
  });

  it("reads options, then the environment, then defaults (a default never hides the environment)", () => {
    const { values } = resolveOptions(raw({ retries: "3" }), {
      retries: "7",
      retry_delay: "60",
      pre_load_strategy: "ACK",
    });
    expect(values.retries).toBe(3);
    expect(values.retry_delay).toBe(60);
    expect(values.pre_load_strategy).toBe("ack");
  });

  it("types values and reports bad ones with the expected form", () => {
    const { values, diagnostics } = resolveOptions(
      raw({
        run_dependencies_first: "TRUE",
        data_cycle: "daily",
        tags: "  a   b ",
        timezone: "Mars/Olympus",
        pre_load_poke_interval: "0",
        sl_env_var: "{bad",
      }),
      {},
    );
    expect(values.run_dependencies_first).toBe(true);
    expect(values.data_cycle).toBe("0 0 * * *");
    expect(values.tags).toBe("a b");
    expect(diagnostics.map((d) => d.message)).toEqual([
      'option sl_env_var: invalid value "{bad"; expected a JSON object',
      'option pre_load_poke_interval: invalid value "0"; expected a positive integer',
      'option timezone: invalid value "Mars/Olympus"; expected an IANA time zone such as Europe/Paris or UTC',
    ]);
    expect(diagnostics.every((d) => d.file === "d.sl.yml" && d.severity === "error")).toBe(true);
  });

  it("names the environment variable when the bad value comes from it", () => {
    const { diagnostics } = resolveOptions(raw({}), { retries: "many" });
    expect(diagnostics[0]?.message).toBe(
      'option retries: invalid value "many" (from environment variable retries); expected a non-negative integer',
    );
  });

  it("keeps unknown options and suggests the known key for typos", () => {
    const { values, diagnostics } = resolveOptions(
      raw({ retrys: "2", cloud_run_job_name: "job" }),
      {},
    );
    expect(values.cloud_run_job_name).toBe("job");
    expect(diagnostics.map((d) => [d.severity, d.message])).toEqual([
      ["warning", "unknown option retrys; did you mean retries?"],
    ]);
  });

  it("checks the sensor window and sl_env_var values", () => {
    const { diagnostics } = resolveOptions(
      raw({
        pre_load_sensor: "true",
        pre_load_poke_interval: "600",
        pre_load_timeout: "60",
        sl_env_var: '{"SL_ROOT": 1}',
      }),
      {},
    );
    expect(diagnostics.map((d) => d.message)).toEqual([
      "option pre_load_timeout: 60 is shorter than pre_load_poke_interval 600; expected at least the poke interval",
      "option sl_env_var: value of SL_ROOT is 1; expected a string",
    ]);
  });
});

describe("checkOptionSafety", () => {
  it("applies Starlake's path rules after rendering, to every dag config", async () => {
    const { checkOptionSafety } = await import("../../src/starlake/option-safety.js");
    const found = checkOptionSafety(
      raw({
        global_ack_file_path: "/srv/p/datasets/../../etc/passwd",
        pre_load_not_ready_sentinel_path: "/var/sentinels",
        SL_STARLAKE_PATH: "/opt/starlake/starlake",
        sl_env_var: '{"SL_ROOT": "/srv/p"}',
        ok: "/srv/p/datasets/pending",
      }),
      "/srv/p",
    );
    expect(found.map((d) => [d.severity, d.message])).toEqual([
      [
        "error",
        'option global_ack_file_path: "/srv/p/datasets/../../etc/passwd" climbs out of a folder with ..; expected a path without ..',
      ],
      [
        "warning",
        'option pre_load_not_ready_sentinel_path: "/var/sentinels" is outside SL_ROOT (/srv/p); Starlake refuses such paths in load dag configs',
      ],
    ]);
  });
});
