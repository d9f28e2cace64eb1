import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { googleClientOptions } from "../../src/engine/cloud/google-options.js";

// How the engine's Google clients are built: the test endpoint (plaintext gRPC, no credentials),
// Dataproc's regional endpoint, and an impersonated service account through the client's own
// google-auth-library. Nothing here reaches a network: a service account key file is read, no
// token is asked for.

const saved = process.env.GOOGLE_APPLICATION_CREDENTIALS;
const dirs: string[] = [];
afterEach(() => {
  if (saved === undefined) delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
  else process.env.GOOGLE_APPLICATION_CREDENTIALS = saved;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("Google client options", () => {
  it("the test endpoint: host and port, insecure channel credentials, no impersonation", async () => {
    const o = await googleClientOptions(
      "@google-cloud/run",
      undefined,
      "sa@p.iam.gserviceaccount.com",
      {
        SLO_GOOGLE_API_ENDPOINT: "127.0.0.1:8085",
      },
    );
    expect(o).toMatchObject({ apiEndpoint: "127.0.0.1", port: 8085 });
    expect(o.sslCreds?.constructor.name).toBe("InsecureChannelCredentialsImpl");
    expect(o).not.toHaveProperty("authClient");
    const v6 = await googleClientOptions("@google-cloud/dataproc", "x", undefined, {
      SLO_GOOGLE_API_ENDPOINT: "[::1]:9000",
    });
    expect(v6).toMatchObject({ apiEndpoint: "::1", port: 9000 });
  });

  it("Google's endpoints otherwise: Dataproc's regional one, Cloud Run's default", async () => {
    expect(
      await googleClientOptions(
        "@google-cloud/dataproc",
        "europe-west1-dataproc.googleapis.com",
        undefined,
        {},
      ),
    ).toEqual({ apiEndpoint: "europe-west1-dataproc.googleapis.com" });
    expect(await googleClientOptions("@google-cloud/run", undefined, undefined, {})).toEqual({});
  });

  it("a service account is impersonated from the application default credentials", async () => {
    const dir = mkdtempSync(join(tmpdir(), "slo-gcp-"));
    dirs.push(dir);
    const key = join(dir, "key.json");
    writeFileSync(
      key,
      JSON.stringify({
        type: "service_account",
        project_id: "my-project",
        client_email: "source@my-project.iam.gserviceaccount.com",
        client_id: "1",
        private_key_id: "k",
        private_key: "-----BEGIN PRIVATE KEY-----\nnot-used\n-----END PRIVATE KEY-----\n",
      }),
    );
    process.env.GOOGLE_APPLICATION_CREDENTIALS = key;
    const o = await googleClientOptions(
      "@google-cloud/run",
      undefined,
      "runner@my-project.iam.gserviceaccount.com",
      {},
    );
    // the Impersonated class of the client's own google-auth-library, not another copy
    const own = createRequire(createRequire(import.meta.url).resolve("@google-cloud/run"))(
      "google-auth-library",
    ) as { Impersonated: new (...a: never[]) => object };
    expect(o.authClient).toBeInstanceOf(own.Impersonated);
    const client = o.authClient as unknown as {
      targetPrincipal: string;
      targetScopes: string[];
      sourceClient: { email?: string };
    };
    expect(client.targetPrincipal).toBe("runner@my-project.iam.gserviceaccount.com");
    expect(client.targetScopes).toEqual(["https://www.googleapis.com/auth/cloud-platform"]);
    expect(client.sourceClient.email).toBe("source@my-project.iam.gserviceaccount.com");
  });
});
