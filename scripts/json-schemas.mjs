// Writes the published JSON Schemas (schemas/*.json) from the built CLI's own zod schemas.
import { writeFileSync } from "node:fs";
import { publishedSchemas } from "../dist/remote/json-schemas.js";

for (const [path, text] of Object.entries(publishedSchemas())) writeFileSync(path, text);
