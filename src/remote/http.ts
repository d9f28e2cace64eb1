import { RemoteError } from "../errors.js";

/** Where a client talks to, and how patiently. Secrets only travel in `headers`. */
export interface Endpoint {
  /** What the server is, for messages: "dagster", "airflow". */
  readonly kind: string;
  /** Base URL without credentials, e.g. http://127.0.0.1:3000. */
  readonly baseUrl: string;
  /** Per-request time limit. */
  readonly timeoutMs: number;
  /** Further tries after a transient failure. */
  readonly retries: number;
  /** First back-off delay; doubled on every try. */
  readonly backoffMs: number;
  /** Strings that must never appear in anything we print (tokens, passwords). */
  readonly secrets: readonly string[];
}

export interface HttpRequest {
  readonly method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  /** Path under the base URL, with its query. */
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
  /**
   * Whether sending it twice is harmless. A request that may have reached the server is only
   * retried when it is idempotent: launching a run twice would run the work twice.
   */
  readonly idempotent: boolean;
}

export interface HttpResponse {
  readonly status: number;
  readonly body: unknown;
  /** The raw text, for messages when the body is not JSON. */
  readonly text: string;
}

/** Statuses that say the server did not do the work and may do it later. */
const NOT_PROCESSED = new Set([429, 503]);
/** Statuses worth another try for idempotent requests. */
const TRANSIENT = new Set([429, 500, 502, 503, 504]);

/**
 * Sends one request with a time limit, retrying transient failures with exponential back-off.
 * Resolves with any HTTP answer the caller must judge (4xx, and 5xx once tries are spent are
 * still answers); rejects with a one-line RemoteError when the server cannot be reached.
 */
export async function send(endpoint: Endpoint, request: HttpRequest): Promise<HttpResponse> {
  const url = endpoint.baseUrl.replace(/\/+$/, "") + request.path;
  for (let attempt = 0; ; attempt++) {
    const last = attempt >= endpoint.retries;
    let response: Response;
    try {
      response = await fetch(url, {
        method: request.method,
        headers: {
          accept: "application/json",
          ...(request.body === undefined ? {} : { "content-type": "application/json" }),
          ...request.headers,
        },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(endpoint.timeoutMs),
      });
    } catch (e) {
      const failure = describeFailure(e, endpoint);
      if (!last && (failure.notSent || request.idempotent)) {
        await backoff(endpoint, attempt);
        continue;
      }
      throw new RemoteError(
        redact(`${endpoint.kind} at ${endpoint.baseUrl}: ${failure.words}`, endpoint.secrets),
      );
    }
    const text = await response.text();
    const retryable = request.idempotent
      ? TRANSIENT.has(response.status)
      : NOT_PROCESSED.has(response.status);
    if (retryable && !last) {
      await backoff(endpoint, attempt, response.headers.get("retry-after"));
      continue;
    }
    return { status: response.status, body: parseJson(text), text };
  }
}

function parseJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

interface Failure {
  readonly words: string;
  /** True when the request surely never reached the server (safe to send again). */
  readonly notSent: boolean;
}

function describeFailure(e: unknown, endpoint: Endpoint): Failure {
  const error = e as { name?: string; cause?: { code?: string; message?: string } };
  if (error.name === "TimeoutError" || error.name === "AbortError")
    return { words: `no answer within ${endpoint.timeoutMs / 1000} s`, notSent: false };
  const code = error.cause?.code;
  if (code === "ECONNREFUSED")
    return { words: "connection refused (is the server running?)", notSent: true };
  if (code === "ENOTFOUND" || code === "EAI_AGAIN")
    return { words: "host not found", notSent: true };
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET")
    return { words: "the connection was closed before an answer", notSent: false };
  return {
    words: error.cause?.message ?? (e as Error)?.message ?? String(e),
    notSent: false,
  };
}

async function backoff(endpoint: Endpoint, attempt: number, retryAfter?: string | null) {
  const asked = Number(retryAfter);
  const ms =
    Number.isFinite(asked) && asked > 0
      ? Math.min(asked * 1000, 30_000)
      : endpoint.backoffMs * 2 ** attempt;
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Replaces every secret in a text we are about to show. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  // A secret of one to three characters would blank out ordinary words: such a secret is no
  // secret worth the name, and masking it would make every message unreadable.
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join("***");
  return out;
}

/** The first line of a server's error text, trimmed for a one-line message. */
export function firstLine(text: string, max = 300): string {
  const line = text.split("\n").find((l) => l.trim() !== "") ?? "";
  return line.length > max ? `${line.slice(0, max)}…` : line.trim();
}
