import type { Diagnostic } from "../pipeline/diagnostic.js";
import { diagnosticAt } from "../pipeline/diagnostic.js";
import { closest } from "../util/suggest.js";
import type { YamlFile } from "./yaml-file.js";

/**
 * The active connection, checked as `starlake validate` checks it (Settings.AppConfig.checkValidity
 * in Starlake 1.5.16): `connectionRef` (else `SL_CONNECTION_REF`) must name one of the declared
 * connections. An empty one, often a variable that is not set (`"{{ACTIVE_CONNECTION}}"`), is an
 * error there, so it is here, located at the key.
 *
 * Deliberate difference: a project that declares no connection and no connectionRef at all is
 * accepted here. Starlake's validate reports it as an error, but every Starlake command other than
 * validate runs such a project on its defaults (docs/coming-from-dag-generate.md says so).
 */
export function connectionRefProblems(
  yaml: YamlFile,
  connectionRef: string | undefined,
  connections: readonly string[],
): Diagnostic[] {
  const at = yaml.placeOf(
    connectionRef !== undefined ? ["application", "connectionRef"] : ["application"],
  );
  const known = [...connections].sort();
  const ref = (connectionRef ?? "").trim();
  if (known.length === 0) {
    if (ref === "") return [];
    return [
      diagnosticAt(
        at,
        "error",
        "unknown_connection",
        `application.connectionRef: connection ${JSON.stringify(ref)} is not declared; application.connections is empty`,
      ),
    ];
  }
  if (ref === "") {
    return [
      diagnosticAt(
        at,
        "error",
        "empty_connection_ref",
        `application.connectionRef is empty (an unset variable renders empty); expected one of ${known.join(", ")}`,
      ),
    ];
  }
  if (!known.includes(ref)) {
    const meant = closest(ref, known);
    return [
      diagnosticAt(
        at,
        "error",
        "unknown_connection",
        `application.connectionRef: connection ${JSON.stringify(ref)} is not declared; ${meant ? `did you mean ${meant}?` : `expected one of ${known.join(", ")}`}`,
      ),
    ];
  }
  return [];
}
