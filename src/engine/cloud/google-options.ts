import { ConfigError } from "../../errors.js";
import { requireBeside } from "./cloud-packages.js";

/**
 * For tests and private endpoints only: `host:port` of a Google API server that speaks gRPC
 * without TLS, used instead of Google's endpoints by the engine's Cloud Run and Dataproc
 * clients, with no credentials at all (none are sent to it). Not a dag config option: where a
 * pipeline runs is the same in every runner, only this machine's way to reach it changes.
 */
export const GOOGLE_ENDPOINT_VARIABLE = "SLO_GOOGLE_API_ENDPOINT";

const HOST_PORT = /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):([0-9]{1,5})$/;
/** Options of a Google client: where it connects, and with what credentials. */
export type GoogleOptions = Record<string, string | number | object>;

const CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform";

/** Bad input before anything runs: a test endpoint that is not `host:port`. */
export function checkGoogleEndpoint(env: Readonly<Record<string, string | undefined>>): void {
  const value = env[GOOGLE_ENDPOINT_VARIABLE];
  if (value === undefined || value === "") return;
  const port = Number(HOST_PORT.exec(value)?.[2] ?? 0);
  if (port < 1 || port > 65535)
    throw new ConfigError(
      `${GOOGLE_ENDPOINT_VARIABLE}=${JSON.stringify(value.slice(0, 80))}: expected host:port of a Google API server without TLS (such as 127.0.0.1:8085)`,
    );
}

interface GoogleAuthModule {
  GoogleAuth: new (o: { scopes: string[] }) => { getClient(): Promise<unknown> };
  Impersonated: new (o: {
    sourceClient: unknown;
    targetPrincipal: string;
    targetScopes: string[];
    lifetime: number;
    delegates: string[];
  }) => object;
}

/**
 * The options of a client of `client` (an npm package): the test endpoint when one is set, else
 * Google's own (`defaultEndpoint`, Dataproc's being regional) with the application default
 * credentials, impersonating `serviceAccount` when there is one (through the client's own
 * google-auth-library).
 */
export async function googleClientOptions(
  client: string,
  defaultEndpoint: string | undefined,
  serviceAccount: string | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<GoogleOptions> {
  const test = env[GOOGLE_ENDPOINT_VARIABLE];
  if (test !== undefined && test !== "") {
    const found = HOST_PORT.exec(test);
    const gax = requireBeside(client, "google-gax") as {
      grpc: { credentials: { createInsecure(): unknown } };
    };
    return {
      apiEndpoint: (found?.[1] ?? "").replace(/^\[|\]$/g, ""),
      port: Number(found?.[2]),
      sslCreds: gax.grpc.credentials.createInsecure() as object,
      // known already: the client does not ask a GCE metadata server for it
      universeDomain: "googleapis.com",
    };
  }
  const own: GoogleOptions = defaultEndpoint === undefined ? {} : { apiEndpoint: defaultEndpoint };
  if (serviceAccount === undefined) return own;
  const auth = requireBeside(client, "google-auth-library") as GoogleAuthModule;
  const sourceClient = await new auth.GoogleAuth({ scopes: [CLOUD_PLATFORM] }).getClient();
  const authClient = new auth.Impersonated({
    sourceClient,
    targetPrincipal: serviceAccount,
    targetScopes: [CLOUD_PLATFORM],
    lifetime: 3600,
    delegates: [],
  });
  return { ...own, authClient };
}
