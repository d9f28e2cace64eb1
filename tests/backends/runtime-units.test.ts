import { describe, expect, it } from "vitest";
import {
  importLines,
  reachedUnits,
  runtimeUnits,
} from "../../src/backends/python/runtime-units.js";

const FILE = `"""A runtime file: its docstring is not written into generated files."""

from __future__ import annotations

import os
import re

from airflow.sdk import Asset, TaskGroup
from croniter import croniter

from ._values import ROOT

# the pattern of a safe name
SAFE = re.compile(
    "[a-z]+"
)


def _helper(x):
    return os.path.join(ROOT, x)


def public(name):
    """Uses _helper; mentions nothing else."""
    return SAFE.fullmatch(_helper(name))


class Sensor:
    def poke(self):
        return croniter("* * * * *").get_next()
`;

describe("runtime units", () => {
  const units = runtimeUnits({ "a.py": FILE });

  it("are the top-level definitions, with their comments, without docstring or imports", () => {
    expect(units.map((u) => u.name)).toEqual(["SAFE", "_helper", "public", "Sensor"]);
    expect(units[0]?.text).toBe(
      '# the pattern of a safe name\nSAFE = re.compile(\n    "[a-z]+"\n)',
    );
    expect(units[3]?.text).toBe(
      'class Sensor:\n    def poke(self):\n        return croniter("* * * * *").get_next()',
    );
    // `from .x` names another runtime file; __future__ is the renderer's
    expect(units[0]?.imports).toEqual([
      { module: "os" },
      { module: "re" },
      { module: "airflow.sdk", name: "Asset" },
      { module: "airflow.sdk", name: "TaskGroup" },
      { module: "croniter", name: "croniter" },
    ]);
  });

  it("that a file reaches are kept, through one another, in source order", () => {
    expect(reachedUnits(units, "x = public('a')").map((u) => u.name)).toEqual([
      "SAFE",
      "_helper",
      "public",
    ]);
    expect(reachedUnits(units, "s = Sensor()").map((u) => u.name)).toEqual(["Sensor"]);
    expect(reachedUnits(units, "publicity = 1")).toEqual([]);
  });

  it("refuse a statement that would run at import", () => {
    expect(() => runtimeUnits({ "b.py": "import os\n\nprint(os.getcwd())\n" })).toThrow(
      "b.py:3: a runtime file holds only imports and definitions",
    );
  });
});

describe("import lines", () => {
  const imports = [
    { module: "re" },
    { module: "datetime" },
    { module: "pendulum" },
    { module: "airflow.sdk", name: "TaskGroup" },
    { module: "airflow.sdk", name: "DAG" },
    { module: "airflow.sdk", name: "Asset" },
    { module: "croniter", name: "croniter" },
    { module: "airflow.providers.standard.operators.bash", name: "BashOperator" },
  ];
  const third = ["airflow", "croniter", "pendulum"];

  it("are those the code uses, in ruff's isort order", () => {
    const code =
      "t = pendulum.now()\nd = datetime.date.today()\nwith DAG(x=Asset('a'), y=TaskGroup()):\n    BashOperator(z=croniter)";
    expect(importLines(imports, code, third)).toEqual([
      "from __future__ import annotations",
      "",
      "import datetime",
      "",
      "import pendulum",
      "from airflow.providers.standard.operators.bash import BashOperator",
      "from airflow.sdk import DAG, Asset, TaskGroup",
      "from croniter import croniter",
    ]);
  });

  it("leave out a name that occurs only in a string, a docstring or a comment", () => {
    const code = `"""re. and Asset in prose"""\n# DAG here\nx = "Asset('a') re.sub(" + 're.x'`;
    expect(importLines(imports, code, third)).toEqual(["from __future__ import annotations"]);
  });
});
