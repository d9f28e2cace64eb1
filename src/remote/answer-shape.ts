import type { z } from "zod";
import { firstLine, type HttpResponse } from "./http.js";

/**
 * Server answers are checked against the shape the clients rely on before anything reads them:
 * a proxy's HTML page, an error object where a run was expected, or a server of another version
 * becomes one line saying which answer and what was expected, instead of `undefined` printed as
 * a run or a crash of ours.
 */

/** The answer's JSON in the schema's shape, or the words of what is wrong with it. */
export function answerShape<S extends z.ZodType>(
  schema: S,
  response: HttpResponse,
  expected: string,
): { ok: true; value: z.output<S> } | { ok: false; words: string } {
  if (response.body === undefined)
    return {
      ok: false,
      words: `expected JSON with ${expected}, found ${
        response.text.trim() === "" ? "an empty answer" : `text: ${firstLine(response.text, 80)}`
      }`,
    };
  const parsed = schema.safeParse(response.body);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, words: `expected ${expected}: ${issueText(parsed.error.issues[0])}` };
}

function issueText(issue: z.core.$ZodIssue | undefined): string {
  if (issue === undefined) return "not valid";
  const at = issue.path
    .map((p, i) => (typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${String(p)}`))
    .join("");
  const message = issue.message.replace(/^Invalid input: /, "");
  return firstLine(`${at === "" ? "the answer" : at}: ${message}`, 200);
}
