import { randomUUID } from "node:crypto";
import { status } from "@grpc/grpc-js";
import type { FailureOf } from "./cloud-run.js";
import { check, newWork, type Operations, type Work } from "./operations.js";
import { packAny } from "./protos.js";
import { FakeError, type Handlers, required, timestamp } from "./rpc.js";

interface Held {
  message: Record<string, unknown>;
  work: Work;
  /** A job's final state when its work finishes (DONE or ERROR, unless cancelled). */
  outcome?: "DONE" | "ERROR" | "CANCELLED";
}
interface Where {
  projectId?: string;
  region?: string;
}

const CLUSTER_OP = "google.cloud.dataproc.v1.ClusterOperationMetadata";

/**
 * Dataproc v1 clusters and jobs, held in memory per project and region. A cluster is CREATING,
 * then RUNNING after the configured number of status checks; DeleteCluster makes it DELETING,
 * then gone. A Spark job needs a RUNNING cluster (else FAILED_PRECONDITION), its id must be new
 * (else ALREADY_EXISTS, as Dataproc answers a reused id), and it ends DONE or ERROR (per the
 * test's knob) after the configured number of checks; CancelJob makes a running one
 * CANCEL_PENDING, then CANCELLED at the next check.
 */
export class Dataproc {
  readonly clusters = new Map<string, Held>();
  readonly jobs = new Map<string, Held>();

  constructor(
    private readonly operations: Operations,
    private readonly checks: () => number,
    private readonly failureOf: FailureOf,
  ) {}

  clusterController(): Handlers {
    return {
      CreateCluster: (req: Where & { cluster?: Record<string, unknown> }) => this.create(req),
      GetCluster: (req: Where & { clusterName?: string }) => {
        const held = this.cluster(req);
        check(held.work);
        return held.message;
      },
      DeleteCluster: (req: Where & { clusterName?: string; clusterUuid?: string }) => {
        const key = clusterKey(req, req.clusterName);
        const held = this.cluster(req);
        if (req.clusterUuid && req.clusterUuid !== held.message.clusterUuid)
          throw new FakeError(status.FAILED_PRECONDITION, `Cluster ${key} has another uuid`);
        setState(held.message, "DELETING");
        const work = newWork(this.checks(), () => this.clusters.delete(key));
        held.work = work;
        return this.operations.start(parentOf(req), work, (done) => ({
          metadata: packAny(CLUSTER_OP, opMetadata(held.message, "DELETE")),
          ...(done ? { response: packAny("google.protobuf.Empty", {}) } : {}),
        }));
      },
    };
  }

  jobController(): Handlers {
    return {
      SubmitJob: (req: Where & { job?: Record<string, unknown> }) => this.submit(req).message,
      SubmitJobAsOperation: (req: Where & { job?: Record<string, unknown> }) => {
        const held = this.submit(req);
        const state = () => (held.message.status as { state?: string }).state;
        return this.operations.start(parentOf(req), held.work, (done) => ({
          metadata: packAny("google.cloud.dataproc.v1.JobMetadata", {
            jobId: (held.message.reference as { jobId: string }).jobId,
            status: held.message.status,
            operationType: "SUBMIT",
          }),
          ...(!done
            ? {}
            : state() === "DONE"
              ? { response: packAny("google.cloud.dataproc.v1.Job", held.message) }
              : state() === "CANCELLED"
                ? { error: { code: status.CANCELLED, message: "Job was cancelled" } }
                : { error: { code: status.ABORTED, message: detailsOf(held.message) } }),
        }));
      },
      CancelJob: (req: Where & { jobId?: string }) => {
        const key = jobKey(req, req.jobId ?? "");
        const held = this.jobs.get(key);
        if (!held) throw new FakeError(status.NOT_FOUND, `Not found: Job ${key}`);
        const state = (held.message.status as { state: string }).state;
        if (held.work.finished)
          throw new FakeError(
            status.FAILED_PRECONDITION,
            `Job ${key} is in state ${state} and cannot be cancelled`,
          );
        // CANCEL_PENDING now, CANCELLED at the next check (of GetJob or of its operation)
        held.message.status = { state: "CANCEL_PENDING", stateStartTime: timestamp() };
        held.work.checksLeft = 0;
        held.outcome = "CANCELLED";
        return held.message;
      },
      GetJob: (req: Where & { jobId?: string }) => {
        const key = jobKey(req, req.jobId ?? "");
        const held = this.jobs.get(key);
        if (!held) throw new FakeError(status.NOT_FOUND, `Not found: Job ${key}`);
        check(held.work);
        return held.message;
      },
    };
  }

  private cluster(req: Where & { clusterName?: string }): Held {
    const key = clusterKey(req, req.clusterName);
    const held = this.clusters.get(key);
    if (!held) throw new FakeError(status.NOT_FOUND, `Not found: Cluster ${key}`);
    return held;
  }

  private create(req: Where & { cluster?: Record<string, unknown> }) {
    const name = required(req.cluster?.clusterName, "cluster.cluster_name");
    const key = clusterKey(req, name);
    if (this.clusters.has(key))
      throw new FakeError(
        status.ALREADY_EXISTS,
        `Already exists: Failed to create cluster: Cluster ${key}`,
      );
    const message: Record<string, unknown> = {
      ...req.cluster,
      projectId: req.projectId,
      clusterUuid: randomUUID(),
      status: { state: "CREATING", stateStartTime: timestamp() },
    };
    const work = newWork(this.checks(), () => setState(message, "RUNNING"));
    this.clusters.set(key, { message, work });
    return this.operations.start(parentOf(req), work, (done) => ({
      metadata: packAny(CLUSTER_OP, opMetadata(message, "CREATE")),
      ...(done ? { response: packAny("google.cloud.dataproc.v1.Cluster", message) } : {}),
    }));
  }

  private submit(req: Where & { job?: Record<string, unknown> }): Held {
    const job = req.job ?? {};
    const placement = (job.placement ?? {}) as { clusterName?: string };
    const cluster = this.clusters.get(
      clusterKey(req, required(placement.clusterName, "job.placement.cluster_name")),
    );
    if (!cluster || (cluster.message.status as { state: string }).state !== "RUNNING")
      throw new FakeError(
        status.FAILED_PRECONDITION,
        `Cluster ${clusterKey(req, placement.clusterName)} is not RUNNING`,
      );
    const reference = (job.reference ?? {}) as { jobId?: string };
    const jobId = reference.jobId || randomUUID().replaceAll("-", "");
    const key = jobKey(req, jobId);
    if (this.jobs.has(key))
      throw new FakeError(status.ALREADY_EXISTS, `Already exists: Job ${key}`);
    const failure = this.failureOf("SubmitJob", req);
    const message: Record<string, unknown> = {
      ...job,
      reference: { projectId: req.projectId, jobId },
      placement: { ...placement, clusterUuid: cluster.message.clusterUuid },
      status: { state: "PENDING", stateStartTime: timestamp() },
      jobUuid: randomUUID(),
      driverOutputResourceUri: `gs://fake-staging/google-cloud-dataproc-metainfo/${jobId}/driveroutput`,
    };
    const held: Held = {
      message,
      work: newWork(0, () => {}),
      outcome: failure === undefined ? "DONE" : "ERROR",
    };
    held.work = newWork(this.checks(), () => {
      message.status =
        held.outcome === "ERROR"
          ? { state: "ERROR", details: failure, stateStartTime: timestamp() }
          : { state: held.outcome, stateStartTime: timestamp() };
    });
    this.jobs.set(key, held);
    return held;
  }
}

const clusterKey = (req: Where, name: string | undefined) =>
  `${parentOf(req)}/clusters/${name ?? ""}`;
const jobKey = (req: Where, id: string) => `${parentOf(req)}/jobs/${id}`;
const parentOf = (req: Where) =>
  `projects/${required(req.projectId, "project_id")}/regions/${required(req.region, "region")}`;

function setState(message: Record<string, unknown>, state: string) {
  message.status = { state, stateStartTime: timestamp() };
}

function opMetadata(cluster: Record<string, unknown>, operationType: string) {
  return {
    clusterName: cluster.clusterName,
    clusterUuid: cluster.clusterUuid,
    status: { state: "RUNNING" },
    operationType,
  };
}

const detailsOf = (job: Record<string, unknown>) =>
  String((job.status as { details?: string }).details ?? "Job failed");
