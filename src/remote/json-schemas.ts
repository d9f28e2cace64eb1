import { z } from "zod";
import { backfillFileSchema } from "./backfill-file.js";
import { profilesFileSchema } from "./profiles.js";

/**
 * The JSON Schemas we publish for editors (YAML language server: a first line
 * `# yaml-language-server: $schema=<path or URL>`), made from the very schemas the CLI checks
 * with, so they cannot disagree. `npm run schemas` writes them to schemas/; a test checks that
 * the committed files are current.
 */
export function publishedSchemas(): Record<string, string> {
  const render = (schema: z.ZodType, id: string) =>
    `${JSON.stringify({ $id: id, ...z.toJSONSchema(schema, { target: "draft-7", io: "input" }) }, null, 2)}\n`;
  return {
    "schemas/profiles.schema.json": render(profilesFileSchema, "slo-profiles.schema.json"),
    "schemas/backfill.schema.json": render(backfillFileSchema, "slo-backfill.schema.json"),
  };
}
