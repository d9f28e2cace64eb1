import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type ServiceDefinition, status } from "@grpc/grpc-js";
import { TIMESTAMPS } from "./rpc.js";

/** What a call gets: the handler's answer, or a gRPC status and message. */
export type Outcome = { ok: object } | { error: { code: number; message: string } };
export type Dispatch = (
  service: string,
  method: string,
  request: Record<string, unknown>,
  metadata: Record<string, string>,
) => Outcome;

interface Route {
  verb: string;
  regex: RegExp;
  fields: string[];
  body: string | undefined;
  service: string;
  method: string;
}

/**
 * The same fake over HTTP/JSON, the REST transport of Google's clients: each method at the path
 * of its `google.api.http` rule in Google's protos (path variables, body, query parameters
 * become request fields), answered in proto3 JSON (timestamps as RFC 3339 text, errors as
 * `{"error": {code, message, status}}`). Long-running operations are served at
 * `/v1|v2/{name=projects/…/operations/*}`, where the clients' REST transports poll them.
 */
export class RestGateway {
  private readonly routes: Route[] = [];
  private server: Server | undefined;
  port = 0;

  constructor(
    definitions: Record<string, ServiceDefinition>,
    private readonly dispatch: Dispatch,
  ) {
    for (const [service, definition] of Object.entries(definitions))
      for (const [method, d] of Object.entries(definition)) {
        const rule = (d as { options?: Record<string, unknown> }).options?.["(google.api.http)"] as
          | Record<string, string>
          | undefined;
        const verb = ["get", "post", "delete", "patch", "put"].find((v) => rule?.[v]);
        if (!rule || !verb) continue;
        this.routes.push({
          verb: verb.toUpperCase(),
          ...compile(rule[verb] as string),
          body: rule.body,
          service,
          method,
        });
      }
    const operations = "google.longrunning.Operations";
    const op = "/v[12]/(projects/[^?]+/operations/[^/:]+)";
    for (const [verb, suffix, method] of [
      ["GET", "", "GetOperation"],
      ["DELETE", "", "DeleteOperation"],
      ["POST", ":wait", "WaitOperation"],
      ["POST", ":cancel", "CancelOperation"],
    ] as const)
      this.routes.push({
        verb,
        regex: new RegExp(`^${op}${suffix}$`),
        fields: ["name"],
        body: undefined,
        service: operations,
        method,
      });
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const { code, body } = this.answer(req, Buffer.concat(chunks).toString("utf8"));
        res.writeHead(code, { "content-type": "application/json" }).end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise((resolve) => server.close(resolve));
  }

  private answer(req: IncomingMessage, text: string): { code: number; body: unknown } {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    for (const route of this.routes) {
      if (route.verb !== req.method) continue;
      const found = route.regex.exec(url.pathname);
      if (!found) continue;
      let request: Record<string, unknown> = {};
      try {
        const parsed = text.trim() === "" ? {} : (JSON.parse(text) as Record<string, unknown>);
        if (route.body === "*") request = { ...parsed };
        else if (route.body) request[camel(route.body)] = parsed;
      } catch {
        return failure(status.INVALID_ARGUMENT, "the body is not JSON");
      }
      for (const [key, value] of url.searchParams)
        if (!key.startsWith("$")) setPath(request, key.split(".").map(camel), value);
      route.fields.forEach((field, i) => {
        setPath(request, field.split(".").map(camel), decodeURIComponent(found[i + 1] ?? ""));
      });
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [k, String(v)]),
      );
      const outcome = this.dispatch(route.service, route.method, request, headers);
      return "ok" in outcome
        ? { code: 200, body: toJson(outcome.ok) }
        : failure(outcome.error.code, outcome.error.message);
    }
    return failure(status.NOT_FOUND, `the fake serves no ${req.method} ${url.pathname}`);
  }
}

/** A path template (`/v2/{name=projects/*\/jobs/*}:run`) as a regex and its variables, in order. */
function compile(template: string): { regex: RegExp; fields: string[] } {
  const fields: string[] = [];
  let pattern = "";
  for (const m of template.matchAll(/\{([^}=]+)(?:=([^}]*))?\}|([^{]+)/g)) {
    if (m[3] !== undefined) {
      pattern += escapeRegex(m[3]);
      continue;
    }
    fields.push(m[1] as string);
    const segments = (m[2] ?? "*").split("/").map((s) => {
      if (s === "**") return ".+";
      if (s === "*") return "[^/]+";
      return escapeRegex(s);
    });
    pattern += `(${segments.join("/")})`;
  }
  return { regex: new RegExp(`^${pattern}$`), fields };
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let at = target;
  for (const key of path.slice(0, -1)) {
    if (typeof at[key] !== "object" || at[key] === null) at[key] = {};
    at = at[key] as Record<string, unknown>;
  }
  at[path[path.length - 1] as string] = value;
}

/** The fake's objects in proto3 JSON: its timestamps as RFC 3339 text. */
function toJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value !== "object" || value === null || Buffer.isBuffer(value)) return value;
  if (TIMESTAMPS.has(value)) {
    const { seconds, nanos } = value as { seconds: string; nanos: number };
    return new Date(Number(seconds) * 1000 + Math.floor(nanos / 1e6)).toISOString();
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]));
}

const HTTP: Record<number, number> = {
  [status.CANCELLED]: 499,
  [status.INVALID_ARGUMENT]: 400,
  [status.DEADLINE_EXCEEDED]: 504,
  [status.NOT_FOUND]: 404,
  [status.ALREADY_EXISTS]: 409,
  [status.PERMISSION_DENIED]: 403,
  [status.RESOURCE_EXHAUSTED]: 429,
  [status.FAILED_PRECONDITION]: 400,
  [status.ABORTED]: 409,
  [status.OUT_OF_RANGE]: 400,
  [status.UNIMPLEMENTED]: 501,
  [status.UNAVAILABLE]: 503,
  [status.UNAUTHENTICATED]: 401,
};

function failure(code: number, message: string): { code: number; body: unknown } {
  return {
    code: HTTP[code] ?? 500,
    body: { error: { code: HTTP[code] ?? 500, message, status: status[code] ?? "UNKNOWN" } },
  };
}
