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
      'option pre_load_poke_interval: invalid value "0"; expected a positive integer, at most 2147483',
      'option timezone: invalid value "Mars/Olympus"; expected an IANA time zone such as Europe/Paris or UTC',
    ]);
    expect(diagnostics.every((d) => d.file === "d.sl.yml" && d.severity === "error")).toBe(true);
  });

  it("names the environment variable when the bad value comes from it", () => {
    const { diagnostics } = resolveOptions(raw({}), { retries: "many" });
    expect(diagnostics[0]?.message).toBe(
      'option retries: invalid value "many" (from environment variable retries); expected a non-negative integer, at most 2147483647',
    );
  });

  it("keeps unknown options, silent on those an environment reads, and warns about every other", () => {
    const { values, diagnostics } = resolveOptions(
      raw({ retrys: "2", cloud_run_job_name: "job", colour: "blue", aws_profile: "p" }),
      {},
      new Set(["cloud_run_job_name"]),
    );
    expect(values.cloud_run_job_name).toBe("job");
    expect(values.colour).toBe("blue");
    expect(diagnostics.map((d) => [d.code, d.message])).toEqual([
      [
        "unsupported_option",
        "option aws_profile of the Python library is not supported by slo's runners; it is ignored",
      ],
      ["unknown_option", "unknown option colour; no runner reads it, it is ignored"],
      ["unknown_option", "unknown option retrys; did you mean retries?"],
    ]);
  });

  it("ignores a legacy name as Starlake does, with a warning naming the current one", () => {
    const legacy = resolveOptions(raw({ load_dependencies: "true" }), {});
    expect(legacy.values.run_dependencies_first).toBe(false);
    expect(legacy.values.load_dependencies).toBeUndefined();
    expect(legacy.diagnostics.map((d) => [d.code, d.message])).toEqual([
      [
        "legacy_option",
        "option load_dependencies is the old name of run_dependencies_first, which Starlake no longer reads: it is ignored; rename it to run_dependencies_first to run the dependencies first",
      ],
    ]);
    const both = resolveOptions(
      raw({ load_dependencies: "false", run_dependencies_first: "true" }),
      {},
    );
    expect(both.values.run_dependencies_first).toBe(true);
    expect(both.diagnostics.map((d) => [d.code, d.message])).toEqual([
      [
        "legacy_option",
        "option load_dependencies is the old name of run_dependencies_first, which Starlake no longer reads: it is ignored",
      ],
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

describe("values that validate must not break an orchestrator (issue 16)", () => {
  const messages = (o: Record<string, string>) =>
    resolveOptions(raw(o), {}).diagnostics.map((d) => `${d.file}:${d.line} ${d.message}`);

  it("bounds numbers: no 400 digits, no 1e30, no delay a Node timer cannot hold", () => {
    expect(
      messages({
        retries: "9".repeat(400),
        max_active_runs: `1${"0".repeat(30)}`,
        retry_delay: "2147484",
        pre_load_timeout: "99999999",
      }),
    ).toEqual([
      'd.sl.yml:1 option pre_load_timeout: invalid value "99999999"; expected a positive integer, at most 2147483',
      `d.sl.yml:1 option retries: invalid value "${"9".repeat(40)}… (400 characters)"; expected a non-negative integer, at most 2147483647`,
      'd.sl.yml:1 option retry_delay: invalid value "2147484"; expected a non-negative integer, at most 2147483',
      `d.sl.yml:1 option max_active_runs: invalid value "1${"0".repeat(30)}"; expected a positive integer, at most 2147483647`,
    ]);
    const { values } = resolveOptions(raw({ retry_delay: "2147483", retries: "+007" }), {});
    expect([values.retry_delay, values.retries]).toEqual([2147483, 7]);
  });

  it("wants exact IANA zone names and years Python and Airflow hold", () => {
    expect(
      messages({ timezone: "europe/paris", SL_TIMEZONE: "+01:00", start_date: "0000-01-01" }),
    ).toEqual([
      'd.sl.yml:1 option start_date: invalid value "0000-01-01"; expected a date YYYY-MM-DD of a year from 0002 to 9998',
      'd.sl.yml:1 option timezone: invalid value "europe/paris"; expected the exact IANA name Europe/Paris (zone names are case-sensitive)',
      'd.sl.yml:1 option SL_TIMEZONE: invalid value "+01:00"; expected an IANA time zone such as Europe/Paris or UTC',
    ]);
    expect(messages({ timezone: "us/eastern" })[0]).toContain("exact IANA name America/New_York");
    for (const tz of [
      "UTC",
      "US/Eastern",
      "Etc/GMT+1",
      "America/Argentina/Buenos_Aires",
      "EST5EDT",
    ])
      expect(messages({ timezone: tz }), tz).toEqual([]);
    expect(messages({ start_date: "0002-01-01", end_date: "9998-12-31" })).toEqual([]);
    expect(messages({ start_date: "2024-02-01", end_date: "2024-01-31" })).toEqual([
      "d.sl.yml:1 option end_date: 2024-01-31 is before start_date 2024-02-01; expected a date on or after it",
    ]);
  });

  it("takes only variable names as sl_env_var keys, and values that stay one --options item", () => {
    expect(
      messages({
        sl_env_var: JSON.stringify({
          "a$(touch /tmp/x)b": "v",
          'q"': "v",
          "n\nl": "v",
          "1X": "v",
          OK: "a,b",
        }),
      }),
    ).toEqual([
      'd.sl.yml:1 option sl_env_var: key "a$(touch /tmp/x)b" is not an environment variable name; expected letters, digits and _, not starting with a digit',
      'd.sl.yml:1 option sl_env_var: key "q\\"" is not an environment variable name; expected letters, digits and _, not starting with a digit',
      'd.sl.yml:1 option sl_env_var: key "n\\nl" is not an environment variable name; expected letters, digits and _, not starting with a digit',
      'd.sl.yml:1 option sl_env_var: key "1X" is not an environment variable name; expected letters, digits and _, not starting with a digit',
      "d.sl.yml:1 option sl_env_var: the value of OK contains a comma, which Starlake's comma-separated list arguments split on (they have no quoting)",
    ]);
  });

  it("refuses JSON options whose numbers or strings Python would not get intact", () => {
    expect(
      messages({
        sl_env_var: '{"SL_X": "a\\u0000b"}',
        default_dag_args: '{"retries": 1e400}',
        access_control: '{"role": {"n": 12345678901234567890}}',
      }),
    ).toEqual([
      'd.sl.yml:1 option sl_env_var: invalid value "{\\"SL_X\\": \\"a\\\\u0000b\\"}"; expected a JSON object whose strings have no NUL byte or lone surrogate',
      'd.sl.yml:1 option default_dag_args: invalid value "{\\"retries\\": 1e400}"; expected a JSON object whose numbers are finite and whole numbers at most 2^53 (not Infinity)',
      'd.sl.yml:1 option access_control: invalid value "{\\"role\\": {\\"n\\": 12345678901234567890}}"; expected a JSON object whose numbers are finite and whole numbers at most 2^53 (not 12345678901234567000)',
    ]);
  });

  it("refuses NUL in any option, pool names with spaces and tags Airflow refuses", () => {
    expect(
      messages({
        global_ack_file_path: "/a\u0000b",
        default_pool: "my pool",
        tags: `ok ${"t".repeat(101)}`,
      }),
    ).toEqual([
      "d.sl.yml:1 option global_ack_file_path: the value contains a NUL byte, which no command line can carry",
      'd.sl.yml:1 option default_pool: invalid pool name "my pool"; expected 1 to 256 characters without spaces (Dagster refuses spaces, Airflow stores at most 256)',
      'd.sl.yml:1 option tags: tag "tttttttttttttttttttt…" is 101 characters long; expected at most 100 (Airflow\'s limit)',
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
