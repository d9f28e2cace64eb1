import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import {
  CreateClusterCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  type RunTaskCommandInput,
} from "@aws-sdk/client-ecs";

/**
 * moto's AWS emulator (PyPI `moto[server]`, the `moto` Python environment) on an ephemeral
 * 127.0.0.1 port, for the Fargate tests of every runner. `env` is what a client needs to reach
 * it: both AWS SDKs (Node and boto3) honour AWS_ENDPOINT_URL, and moto accepts any credentials.
 * moto-server.py adds one test-only knob: a container's exit code (see `fargateSetup`).
 */
export interface MotoServer {
  readonly port: number;
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  readonly region: string;
  /** AWS_ENDPOINT_URL, fake credentials and the region, for a child process or a client. */
  readonly env: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

const MOTO_PY = join(import.meta.dirname, "moto-server.py");
const START_TIMEOUT_MS = 60_000;

/** The cached `moto` virtual environment (scripts/python-env.sh moto), created on first use. */
export function motoEnv(): string {
  return execFileSync("bash", ["scripts/python-env.sh", "moto"], {
    encoding: "utf8",
    timeout: 900_000,
    stdio: ["ignore", "pipe", "inherit"],
  }).trim();
}

/** Starts moto, waits until it answers, and returns it; `stop()` ends it (also on our death: it
 * exits when its standard input closes). */
export async function startMoto(region = "eu-west-3"): Promise<MotoServer> {
  const venv = motoEnv();
  const dir = mkdtempSync(join(tmpdir(), "slo-moto-"));
  const child = spawn(join(venv, "bin", "python"), [MOTO_PY], {
    stdio: ["pipe", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH ?? "",
      HOME: dir,
      MOTO_ENABLE_RECORDING: "1",
      MOTO_RECORDER_FILEPATH: join(dir, "recording.jsonl"),
    },
  });
  let stderr = "";
  child.stderr?.on("data", (c: Buffer) => {
    stderr = (stderr + c.toString("utf8")).slice(-4000);
  });
  const port = await firstLine(child, () => stderr);
  const endpoint = `http://127.0.0.1:${port}`;
  const server: MotoServer = {
    port,
    endpoint,
    region,
    env: {
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: "testing",
      AWS_SECRET_ACCESS_KEY: "testing",
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
    },
    stop: () => stopChild(child, dir),
  };
  try {
    const res = await fetch(`${endpoint}/moto-api/data.json`, {
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`moto answered ${res.status}`);
  } catch (e) {
    await server.stop();
    throw e;
  }
  return server;
}

function firstLine(child: ChildProcess, stderr: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`moto did not start within ${START_TIMEOUT_MS} ms: ${stderr()}`));
    }, START_TIMEOUT_MS);
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.once("line", (line) => {
      clearTimeout(timer);
      lines.close();
      const port = Number(line.trim());
      if (Number.isInteger(port) && port > 0) resolve(port);
      else reject(new Error(`moto printed ${JSON.stringify(line)}: ${stderr()}`));
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`moto exited with ${code}: ${stderr()}`));
    });
  });
}

async function stopChild(child: ChildProcess, dir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child.once("exit", r));
    child.stdin?.end();
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(dir, { recursive: true, force: true });
}

/** An ECS client of the Node SDK pointed at moto. */
export function ecsClient(moto: MotoServer): ECSClient {
  return new ECSClient({
    region: moto.region,
    endpoint: moto.endpoint,
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  });
}

export interface FargateSetup {
  readonly cluster: string;
  /** The task definition's family (RunTask takes the latest revision). */
  readonly taskDefinition: string;
  readonly container: string;
  /** A subnet and a security group of moto's default VPC (awsvpc needs real ones). */
  readonly subnet: string;
  readonly securityGroup: string;
}

/**
 * Creates an ECS cluster and a Fargate task definition whose one container is `container`.
 * `exitCode`: the exit code of the container of every task started from it; with `exitWhen`, only
 * of the tasks whose overridden command (joined by spaces) contains that text (the others exit 0).
 */
export async function fargateSetup(
  moto: MotoServer,
  options: {
    cluster?: string;
    family?: string;
    container?: string;
    exitCode?: number;
    exitWhen?: string;
  } = {},
): Promise<FargateSetup> {
  const cluster = options.cluster ?? "sl-cluster";
  const family = options.family ?? "starlake";
  const container = options.container ?? "starlake";
  const labels: Record<string, string> = {};
  if (options.exitCode !== undefined) labels["slo-test-exit-code"] = String(options.exitCode);
  if (options.exitWhen !== undefined) labels["slo-test-exit-when"] = options.exitWhen;
  const ecs = ecsClient(moto);
  try {
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        networkMode: "awsvpc",
        requiresCompatibilities: ["FARGATE"],
        cpu: "1024",
        memory: "2048",
        containerDefinitions: [
          {
            name: container,
            image: "starlake:test",
            essential: true,
            cpu: 1024,
            memory: 2048,
            dockerLabels: labels,
          },
        ],
      }),
    );
  } finally {
    ecs.destroy();
  }
  const subnet = await ec2First(
    moto,
    "DescribeSubnets",
    /<subnetId>(subnet-[0-9a-f]+)<\/subnetId>/,
  );
  const securityGroup = await ec2First(
    moto,
    "DescribeSecurityGroups",
    /<groupId>(sg-[0-9a-f]+)<\/groupId>/,
  );
  return { cluster, taskDefinition: family, container, subnet, securityGroup };
}

// The EC2 Query API by hand (the project has no EC2 client): moto reads the region from the
// credential scope and does not check the signature.
async function ec2First(moto: MotoServer, action: string, pattern: RegExp): Promise<string> {
  const res = await fetch(moto.endpoint, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `AWS4-HMAC-SHA256 Credential=testing/20240101/${moto.region}/ec2/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: `Action=${action}&Version=2016-11-15`,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  const found = pattern.exec(text);
  if (!res.ok || !found?.[1])
    throw new Error(`moto ${action}: ${res.status} ${text.slice(0, 500)}`);
  return found[1];
}

/** Every ECS request of `action` (RunTask, StopTask, …) moto received, in order, as sent. */
export async function ecsRequests(moto: MotoServer, action: string): Promise<unknown[]> {
  const res = await fetch(`${moto.endpoint}/moto-api/recorder/download-recording`, {
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  const out: unknown[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const entry = JSON.parse(line) as {
      headers: Record<string, string>;
      body: string;
      body_encoded: boolean;
    };
    const target = Object.entries(entry.headers).find(([k]) => k.toLowerCase() === "x-amz-target");
    if (target?.[1] !== `AmazonEC2ContainerServiceV20141113.${action}`) continue;
    const body = entry.body_encoded
      ? Buffer.from(entry.body, "base64").toString("utf8")
      : entry.body;
    out.push(JSON.parse(body));
  }
  return out;
}

/** The RunTask requests moto received, in order. */
export async function runTaskRequests(moto: MotoServer): Promise<RunTaskCommandInput[]> {
  return (await ecsRequests(moto, "RunTask")) as RunTaskCommandInput[];
}

/**
 * How fast moto's ECS tasks reach STOPPED: by default one status step per DescribeTasks
 * (RUNNING, DEACTIVATING, STOPPING, DEPROVISIONING, STOPPED); "immediate" stops them at once.
 */
export async function setTaskProgression(
  moto: MotoServer,
  progression: "immediate" | "manual",
): Promise<void> {
  const transition =
    progression === "immediate" ? { progression } : { progression: "manual", times: 1 };
  const res = await fetch(`${moto.endpoint}/moto-api/state-manager/set-transition`, {
    method: "POST",
    body: JSON.stringify({ model_name: "ecs::task", transition }),
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`moto set-transition: ${res.status}`);
}
