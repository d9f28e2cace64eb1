import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { type Slot, STARLAKE_OBJECTS } from "../../src/project/starlake-keys.js";
import { sharedFolder, zipEntry } from "../helpers/shared.js";

// Our key model must say exactly what the JSON schema inside the real Starlake 1.5.16 jar says.
type Json = { [k: string]: unknown };

const schema = JSON.parse(
  zipEntry(
    resolve(sharedFolder(), "starlake/lib/starlake-core_2.13-1.5.16.jar"),
    "starlake.json",
  ).toString("utf8"),
) as Json & { definitions: Record<string, Json> };
const defs = schema.definitions;

function deref(s: Json): { name?: string; def: Json } {
  const ref = s.$ref;
  if (typeof ref !== "string") return { def: s };
  const name = ref.replace("#/definitions/", "");
  const def = defs[name];
  if (def === undefined) throw new Error(`unresolved ${ref}`);
  return { name, def };
}

/** Every property name a schema evaluates, through $ref and allOf/anyOf/oneOf (JSON Schema 2019-09). */
function evaluated(s: Json, seen = new Set<Json>()): Set<string> {
  const out = new Set<string>();
  if (seen.has(s)) return out;
  seen.add(s);
  for (const k of Object.keys((s.properties as Json | undefined) ?? {})) out.add(k);
  if (typeof s.$ref === "string") for (const k of evaluated(deref(s).def, seen)) out.add(k);
  for (const group of ["allOf", "anyOf", "oneOf"])
    for (const sub of (s[group] as Json[] | undefined) ?? [])
      for (const k of evaluated(sub, seen)) out.add(k);
  return out;
}

/** What an object definition's property holds, in the terms of our model. */
function slotOf(prop: Json): Slot {
  if (prop.type === "array") {
    const items = prop.items as Json | undefined;
    if (items !== undefined && typeof items.$ref === "string") {
      const { name, def } = deref(items);
      if (name !== undefined && def.properties !== undefined) return { list: name };
    }
    return "value";
  }
  const { name, def } = deref(prop);
  const additional = def.additionalProperties;
  if (def.type === "object" && additional !== undefined) {
    if (additional === true) return "free";
    const target = deref(additional as Json);
    const targetIsObject = target.def.properties !== undefined && target.name !== undefined;
    return targetIsObject ? { map: target.name as string } : "free";
  }
  if (name !== undefined && (def.properties !== undefined || def.allOf !== undefined))
    return { object: name };
  return "value";
}

/** Starlake closes an object unless it is not typed `object`, has additionalProperties, or is a *Base. */
function isOpen(name: string, def: Json): boolean {
  return def.type !== "object" || def.additionalProperties !== undefined || name.endsWith("Base");
}

describe("Starlake key model against Starlake 1.5.16's JSON schema", () => {
  const root: Json = {
    properties: { ...(schema.properties as Json), ...(defs.StarlakeV1Base?.properties as Json) },
  };
  const modelled = Object.keys(STARLAKE_OBJECTS);

  it.each(modelled)("%s has the schema's keys, slots and openness", (name) => {
    const model = STARLAKE_OBJECTS[name];
    const def = name === "Root" ? root : defs[name];
    expect(def, `${name} is not a definition of the schema`).toBeDefined();
    if (model === undefined || def === undefined) return;
    expect(Object.keys(model.keys).sort()).toEqual([...evaluated(def)].sort());
    if (name !== "Root") expect(model.open ?? false).toBe(isOpen(name, def));
    const props = def.properties as Record<string, Json>;
    for (const [key, slot] of Object.entries(model.keys)) {
      // Extraction files are deliberately not modelled: their content is left unchecked.
      if (name === "Root" && key === "extract") continue;
      expect({ key, slot }).toEqual({ key, slot: slotOf(props[key] as Json) });
    }
  });

  it("models every object that a modelled object holds", () => {
    const named = (slot: Slot): string | undefined =>
      typeof slot === "string"
        ? undefined
        : "object" in slot
          ? slot.object
          : "list" in slot
            ? slot.list
            : slot.map;
    const missing = Object.values(STARLAKE_OBJECTS)
      .flatMap((o) => Object.values(o.keys).map(named))
      .filter((n): n is string => n !== undefined && !(n in STARLAKE_OBJECTS));
    expect(missing).toEqual([]);
  });
});
