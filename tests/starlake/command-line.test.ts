import { describe, expect, it } from "vitest";
import type { Task } from "../../src/pipeline/pipeline.js";
import { starlakeArgv } from "../../src/starlake/command-line.js";
import { mergeOptionsArg } from "../../src/starlake/options-arg.js";

const load: Task = {
  id: "l",
  kind: "load",
  trigger: "all_success",
  command: ["load", "--domains", "d", "--tables", "t"],
  scheduledDate: true,
};
const transform: Task = {
  id: "t",
  kind: "transform",
  trigger: "all_success",
  command: ["transform", "--name", "k.t", "--options", "a=1,frag"],
  scheduledDate: true,
  dataInterval: true,
};

describe("the Starlake command line of a run", () => {
  it("merges variables into --options: the command's pairs win, fragments stay last", () => {
    expect(mergeOptionsArg(["x", "--options", "A=cmd,frag,B=2"], { A: "env", C: "3" })).toEqual([
      "x",
      "--options",
      "A=cmd,C=3,B=2,frag",
    ]);
    expect(mergeOptionsArg(["x"], { A: "1" })).toEqual(["x", "--options", "A=1"]);
    expect(mergeOptionsArg(["x"], {})).toEqual(["x"]);
  });

  it("inserts the scheduled date after the verb and appends the data interval", () => {
    const run = {
      scheduledDate: "2024-03-05T00:00:00+0000",
      interval: { start: "2024-03-04T00:00:00+0000", end: "2024-03-05T00:00:00+0000" },
    };
    expect(starlakeArgv(load, { SL_ROOT: "/p" }, run)).toEqual([
      "load",
      "--scheduledDate",
      "2024-03-05T00:00:00+0000",
      "--domains",
      "d",
      "--tables",
      "t",
      "--options",
      "SL_ROOT=/p",
    ]);
    expect(starlakeArgv(transform, {}, run)).toEqual([
      "transform",
      "--scheduledDate",
      "2024-03-05T00:00:00+0000",
      "--name",
      "k.t",
      "--options",
      "a=1,frag,sl_data_interval_start='2024-03-04T00:00:00+0000',sl_data_interval_end='2024-03-05T00:00:00+0000'",
    ]);
    expect(
      starlakeArgv({ ...transform, command: ["transform", "--name", "k.t"] }, {}, run).slice(-2),
    ).toEqual([
      "--options",
      "sl_data_interval_start='2024-03-04T00:00:00+0000',sl_data_interval_end='2024-03-05T00:00:00+0000'",
    ]);
  });
});
