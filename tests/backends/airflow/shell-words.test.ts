import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bashWord } from "../../../src/backends/airflow/bash-command.js";
import { shellToken } from "../../../src/backends/airflow/jinja-safe.js";
import { type Piece, ROOT } from "../../../src/backends/python/worker-root.js";
import { mulberry32, pick } from "../../helpers/seeded-random.js";

/** SLO_PROPERTY_SEED replays a run. */
const SEED = Number(process.env.SLO_PROPERTY_SEED ?? Math.floor(Math.random() * 1_000_000));
const COUNT = 400;
const work = mkdtempSync(join(tmpdir(), "slo-words-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const PWNED = join(work, "pwned");

/** The variables a word may hold, with values that bash would split or glob if left unquoted. */
const VALUES: Record<string, string> = {
  SL_SCHEDULED_DATE: "2024-03-05T06:00:00+0100",
  SL_DATA_INTERVAL_START: "a b  * ? [x]",
  SL_DATA_INTERVAL_END: `$(touch ${PWNED})`,
  SL_SENTINEL_SCOPE: "d__run 1",
  SL_ROOT: `/w/it's "p" \`x\``,
};
const NAMES = {
  scheduled: "SL_SCHEDULED_DATE",
  start: "SL_DATA_INTERVAL_START",
  end: "SL_DATA_INTERVAL_END",
  scope: "SL_SENTINEL_SCOPE",
  root: "SL_ROOT",
} as const;
const VARIABLES: Piece[] = [
  { value: "scheduled" },
  { value: "start" },
  { value: "end" },
  { value: "scope" },
  ROOT,
];
const CHARS = [
  ..."aZ09_./:=@%+,-",
  ..." \t\n'\"$`\\!{}#~*?[]();&|<>^é",
  "$(touch pwned)",
  `\${HOME}`,
  "{{",
  "{%",
  ".sh",
];

function literal(rng: () => number): string {
  const n = 1 + Math.floor(rng() * 6);
  return Array.from({ length: n }, () => pick(rng, CHARS)).join("");
}

function piecesOf(rng: () => number): Piece[] {
  const n = 1 + Math.floor(rng() * 4);
  return Array.from({ length: n }, () => (rng() < 0.35 ? pick(rng, VARIABLES) : literal(rng)));
}

/** What Airflow's Jinja makes of a word: each `{{ "…" }}` literal back to its text. */
function rendered(word: string): string {
  return word.replace(/\{\{ "((?:[^"\\]|\\.)*)" \}\}/g, (_, s: string) =>
    s.replace(/\\(.)/g, (_e, c: string) => ({ n: "\n", r: "\r" })[c] ?? c),
  );
}

const expected = (pieces: readonly Piece[]) =>
  pieces.map((p) => (typeof p === "string" ? p : VALUES[NAMES[p.value]])).join("");

describe(`bash words, quoted only where needed (seed ${SEED}, ${COUNT} words)`, () => {
  it("reach the program as exactly one argument each, with nothing run or expanded", () => {
    const rng = mulberry32(SEED);
    const words = Array.from({ length: COUNT }, () => piecesOf(rng));
    const script = words.map((w) => `printf '%s\\0' ${rendered(bashWord(w))}`).join("\n");
    writeFileSync(join(work, "glob-bait"), "");
    const out = execFileSync("bash", ["-c", script], {
      cwd: work,
      env: { PATH: process.env.PATH, ...VALUES },
      encoding: "utf8",
      timeout: 30_000,
    });
    const got = out.split("\0").slice(0, -1);
    expect(got.length, `seed ${SEED} (SLO_PROPERTY_SEED=${SEED}): one argument per word`).toBe(
      COUNT,
    );
    words.forEach((w, k) => {
      expect(got[k], `seed ${SEED}: ${JSON.stringify(w)} as ${bashWord(w)}`).toBe(expected(w));
    });
    expect(existsSync(PWNED), `seed ${SEED}: a payload ran`).toBe(false);
  });

  it("reads as a person would write it", () => {
    expect(shellToken("--domains")).toBe("--domains");
    expect(shellToken("SL_ROOT=/srv/p,SL_ENV=DUCKDB")).toBe("SL_ROOT=/srv/p,SL_ENV=DUCKDB");
    expect(shellToken("it's")).toBe(`"it's"`);
    expect(shellToken("a b")).toBe(`"a b"`);
    expect(shellToken("$HOME")).toBe("'$HOME'");
    expect(shellToken("")).toBe('""');
    expect(bashWord(["--options"])).toBe("--options");
    expect(bashWord(["SL_ROOT=", ROOT])).toBe('SL_ROOT="$SL_ROOT"');
    expect(bashWord(["x='", { value: "start" }, "',y=", { value: "end" }, "_z"])).toBe(
      `"x='$SL_DATA_INTERVAL_START',y=\${SL_DATA_INTERVAL_END}_z"`,
    );
    expect(bashWord(["$x ", { value: "scheduled" }])).toBe(`'$x '"$SL_SCHEDULED_DATE"`);
  });
});
