import { describe, expect, it } from "vitest";
import {
  type Piece,
  ROOT,
  relativeToRoot,
  rootPieces,
} from "../../src/backends/python/worker-root.js";
import { mulberry32, pick } from "../helpers/seeded-random.js";

const joined = (pieces: readonly Piece[], root: string) =>
  pieces.map((p) => (p === ROOT ? root : String(p))).join("");

describe("rootPieces: the generate-time root in a value, as a place for the worker's", () => {
  it("finds the root as a path, not inside a longer name", () => {
    const r = "/srv/p";
    expect(rootPieces("SL_ROOT=/srv/p,X=/srv/p/data", r)).toEqual([
      "SL_ROOT=",
      ROOT,
      ",X=",
      ROOT,
      "/data",
    ]);
    expect(rootPieces("/srv/p", r)).toEqual([ROOT]);
    expect(rootPieces("file:///srv/p/pending/GO.ack", r)).toEqual([
      "file://",
      ROOT,
      "/pending/GO.ack",
    ]);
    expect(rootPieces("'/srv/p'", r)).toEqual(["'", ROOT, "'"]);
    for (const other of ["/srv/p2", "/srv/p.old", "/x/srv/p", "/srv/p-x", "srv/p", "/srv/pp/a"])
      expect(rootPieces(other, r), other).toEqual([other]);
    expect(rootPieces("/srv/p/", "/srv/p/")).toEqual([ROOT, "/"]);
  });

  it("splits nothing on a root that is relative, empty or /", () => {
    for (const root of [".", "", "/", "srv/p", "//"])
      expect(rootPieces("/srv/p/a", root), root).toEqual(["/srv/p/a"]);
    expect(rootPieces("", "/srv/p")).toEqual([]);
  });

  it("takes regular-expression characters in the root literally", () => {
    const root = "/t/a.b+(c)[d]$";
    expect(rootPieces(`${root}/x,/t/aXb+(c)[d]$/x`, root)).toEqual([ROOT, "/x,/t/aXb+(c)[d]$/x"]);
  });

  it("loses nothing: the pieces with the root put back are the text (seeded)", () => {
    const seed = 1717;
    const rng = mulberry32(seed);
    const alphabet = ["/", "a", ".", "-", ",", "=", ":", "'", '"', " ", "$", "{", "\n", "é"];
    for (let n = 0; n < 500; n++) {
      const root = `/${Array.from({ length: 1 + Math.floor(rng() * 4) }, () => pick(rng, ["a", "b", ".", "-"])).join("")}`;
      const parts = Array.from({ length: Math.floor(rng() * 8) }, () =>
        rng() < 0.3 ? root : pick(rng, alphabet),
      );
      const text = parts.join("");
      const pieces = rootPieces(text, root);
      expect(
        joined(pieces, root),
        `seed ${seed}, case ${n}: ${JSON.stringify({ text, root })}`,
      ).toBe(text);
      for (const p of pieces) expect(p, `seed ${seed}, case ${n}`).not.toBe("");
    }
  });
});

describe("relativeToRoot", () => {
  it("writes folders under the root relative to it, others as they are", () => {
    expect(relativeToRoot("/srv/p/datasets/ingesting/d", "/srv/p")).toBe("datasets/ingesting/d");
    expect(relativeToRoot("/srv/p", "/srv/p/")).toBe(".");
    expect(relativeToRoot("/srv/p2/x", "/srv/p")).toBe("/srv/p2/x");
    expect(relativeToRoot("/data/in", "/srv/p")).toBe("/data/in");
    expect(relativeToRoot("/srv/p/x", ".")).toBe("/srv/p/x");
  });
});
