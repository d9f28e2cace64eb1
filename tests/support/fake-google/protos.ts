import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { ServiceDefinition } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";

/**
 * The API definitions the fake answers, read from the .proto files Google ships inside its own
 * Node client packages (never a copy of ours): Cloud Run v2 from @google-cloud/run, Dataproc v1
 * from @google-cloud/dataproc, and google.longrunning (plus google/api, google/rpc, …) from the
 * google-gax those packages depend on.
 */
const require = createRequire(import.meta.url);
const runRoot = dirname(require.resolve("@google-cloud/run/package.json"));
const dataprocRoot = dirname(require.resolve("@google-cloud/dataproc/package.json"));
// google-gax exports no package.json: its entry point is <root>/build/src/index.js
const gaxEntry = createRequire(join(runRoot, "package.json")).resolve("google-gax");
const gaxRoot = gaxEntry.slice(0, gaxEntry.lastIndexOf("/build/"));

export const SERVICES = {
  jobs: "google.cloud.run.v2.Jobs",
  executions: "google.cloud.run.v2.Executions",
  clusters: "google.cloud.dataproc.v1.ClusterController",
  dataprocJobs: "google.cloud.dataproc.v1.JobController",
  operations: "google.longrunning.Operations",
} as const;

let loaded: Record<string, ServiceDefinition> | undefined;

/** The five services' definitions (loaded once; the messages are plain objects, enums as names). */
export function serviceDefinitions(): Record<keyof typeof SERVICES, ServiceDefinition> {
  if (!loaded) {
    const definition = loadSync(
      [
        "google/cloud/run/v2/job.proto",
        "google/cloud/run/v2/execution.proto",
        "google/cloud/dataproc/v1/clusters.proto",
        "google/cloud/dataproc/v1/jobs.proto",
        "google/cloud/dataproc/v1/operations.proto",
        "google/longrunning/operations.proto",
      ],
      {
        includeDirs: [
          join(runRoot, "build/protos"),
          join(dataprocRoot, "build/protos"),
          join(gaxRoot, "build/protos"),
        ],
        // Requests are recorded as proto3 JSON would name them: camelCase, enums by name, 64-bit
        // integers as strings, absent fields left out.
        keepCase: false,
        longs: String,
        enums: String,
        defaults: false,
        oneofs: false,
      },
    );
    loaded = {};
    for (const name of Object.values(SERVICES))
      loaded[name] = definition[name] as unknown as ServiceDefinition;
  }
  const all = loaded;
  return Object.fromEntries(
    Object.entries(SERVICES).map(([key, name]) => [key, all[name] as ServiceDefinition]),
  ) as Record<keyof typeof SERVICES, ServiceDefinition>;
}

/**
 * A google.protobuf.Any in the JSON form protobufjs (behind proto-loader) packs on serialising:
 * the type's full name under "@type", then the message's own fields.
 */
export function packAny(type: string, message: object): Record<string, unknown> {
  return { "@type": `type.googleapis.com/${type}`, ...message };
}
