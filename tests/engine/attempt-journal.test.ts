import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AttemptJournal, JOURNAL } from "../../src/engine/attempt-journal.js";

let folder: string;
afterEach(() => rmSync(folder, { recursive: true, force: true }));

describe("attempt journal", () => {
  it("reads pids and exit codes as they are appended, a line only once it is whole", () => {
    folder = mkdtempSync(join(tmpdir(), "slo-journal-"));
    const journal = new AttemptJournal(folder);
    expect(journal.pid("a.1")).toBeUndefined(); // no file yet
    const file = join(folder, JOURNAL);
    appendFileSync(file, "p a.1 41\np b.1 42\nx a.1 0\nx b.1 1");
    expect([journal.pid("a.1"), journal.exit("a.1")]).toEqual([41, 0]);
    expect([journal.pid("b.1"), journal.exit("b.1")]).toEqual([42, undefined]);
    appendFileSync(file, "37\n");
    expect(journal.exit("b.1")).toBe(137);
  });

  it("skips lines it does not understand", () => {
    folder = mkdtempSync(join(tmpdir(), "slo-journal-"));
    appendFileSync(join(folder, JOURNAL), "garbage\nq a.1 3\nx a.1 zero\np a.1\nx a.1 2\n");
    const journal = new AttemptJournal(folder);
    expect(journal.exit("a.1")).toBe(2);
    expect(journal.pid("a.1")).toBeUndefined();
  });
});
