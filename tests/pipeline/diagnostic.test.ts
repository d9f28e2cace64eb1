import { describe, expect, it } from "vitest";
import { formatDiagnostic, sortDiagnostics } from "../../src/pipeline/diagnostic.js";

describe("formatDiagnostic", () => {
  it("writes file:line:col, severity, code and message on one line", () => {
    const line = formatDiagnostic({
      code: "unknown_key",
      severity: "error",
      message: "unknown key `shedule`",
      file: "metadata/load/shop/orders.sl.yml",
      line: 4,
      col: 7,
    });
    expect(line).toBe(
      "metadata/load/shop/orders.sl.yml:4:7: error[unknown_key]: unknown key `shedule`",
    );
  });

  it("keeps a message from the project on one line and shows its control characters as escapes", () => {
    const line = formatDiagnostic({
      code: "bad_name",
      severity: "warning",
      message: "name `a\nb\r\u001b]0;pwned\u0007\u009b2J\u202eevil`",
      file: "metadata/load/\u001b[31mred/_config.sl.yml",
    });
    expect(line).toBe(
      "metadata/load/\\x1b[31mred/_config.sl.yml: warning[bad_name]: name `a\\nb\\r\\x1b]0;pwned\\x07\\x9b2J\\u202eevil`",
    );
    expect([...line].every((c) => c >= " " && c <= "~")).toBe(true);
  });

  it("sorts errors first, then by place", () => {
    const sorted = sortDiagnostics([
      { code: "b", severity: "warning", message: "w", file: "a.yml", line: 1 },
      { code: "a", severity: "error", message: "e2", file: "b.yml", line: 2 },
      { code: "a", severity: "error", message: "e1", file: "b.yml", line: 1 },
    ]);
    expect(sorted.map((d) => d.message)).toEqual(["e1", "e2", "w"]);
  });
});
