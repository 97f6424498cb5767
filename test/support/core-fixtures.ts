import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { launchActivity, type Scenario } from "./fake-aws";
import { binaryPath, ROOT } from "./run-binary";

/**
 * What the Nagios, Icinga 2 and Sensu integration tests share: the AWS account the shipped
 * definitions look at (served by the fake endpoint), and an installed copy of the binary.
 */

export const CONTRIB = join(ROOT, "contrib");
export const REGION = "us-east-1";
export const FS_ID = "fs-12345678";

export const WEB1 = "i-00000000000000001";
export const WEB2 = "i-00000000000000002";
export const BATCH1 = "i-00000000000000003";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * One region of a small production account. Every threshold used by the tests lands in a known state:
 * web-1's reboot is 2 days away (CRITICAL at -c 3d), web-2's newest AMI is 30 h old (WARNING at 26h),
 * web-lb has one of two instances in service, jobs-b has dead letters, web-asg's second instance is
 * stuck Pending:Wait (WARNING), batch-asg has AZRebalance suspended (WARNING unless allowed). The ALB
 * web-alb routes to target groups web (web-1, web-2 healthy) and api (web-1 healthy, web-2 unhealthy,
 * batch-1 draining). web-1's private address is 127.0.0.1 so fleet mode reaches the test sshd through
 * the load balancers.
 */
export function monitoredAccount(now = Date.now()): Scenario {
  const at = (ms: number) => new Date(now + ms);
  return {
    regions: {
      [REGION]: {
        instances: [
          {
            id: WEB1,
            tags: { Name: "web-1", env: "prod" },
            privateIp: "127.0.0.1",
            events: [{ code: "system-reboot", description: "scheduled reboot", notBefore: at(2 * DAY + HOUR) }],
          },
          // Its instance status check has failed for an hour (check_instance_status).
          { id: WEB2, tags: { Name: "web-2", env: "prod" }, privateIp: "10.0.0.2", instanceStatus: { status: "impaired", impairedSince: at(-HOUR) } },
          {
            id: BATCH1,
            tags: { Name: "batch-1", env: "dev" },
            privateIp: "10.0.0.3",
            events: [{ code: "instance-retirement", description: "scheduled retirement", notBefore: at(10 * DAY) }],
          },
        ],
        images: [
          { id: "ami-00000000000000001", name: `${WEB1}-backup`, state: "available", creationDate: at(-2 * HOUR), sourceInstanceId: WEB1 },
          { id: "ami-00000000000000002", name: `${WEB2}-backup-old`, state: "available", creationDate: at(-30 * HOUR), sourceInstanceId: WEB2 },
          { id: "ami-00000000000000003", name: `${WEB2}-backup-new`, state: "failed", creationDate: at(-HOUR), sourceInstanceId: WEB2 },
        ],
        loadBalancers: [
          {
            name: "web-lb",
            instances: [
              { id: WEB1, state: "InService" },
              {
                id: WEB2,
                state: "OutOfService",
                reasonCode: "Instance",
                description: "Instance has failed at least the UnhealthyThreshold number of health checks consecutively.",
              },
            ],
          },
          { name: "api-lb", instances: [{ id: BATCH1, state: "InService" }] },
        ],
        autoScalingGroups: [
          {
            // web-2 has hung in a lifecycle hook for 45 minutes (and fails web-lb's health check).
            name: "web-asg",
            minSize: 1,
            maxSize: 4,
            desiredCapacity: 2,
            instances: [{ id: WEB1 }, { id: WEB2, lifecycleState: "Pending:Wait" }],
            activities: [launchActivity(WEB2, at(-45 * MINUTE))],
            tags: { env: "prod" },
          },
          {
            name: "batch-asg",
            minSize: 1,
            maxSize: 1,
            desiredCapacity: 1,
            instances: [{ id: BATCH1 }],
            suspendedProcesses: ["AZRebalance"],
            tags: { env: "dev" },
          },
        ],
        loadBalancersV2: [{ name: "web-alb" }],
        targetGroups: [
          { name: "web", loadBalancers: ["web-alb"], targets: [{ id: WEB1, port: 80, state: "healthy" }, { id: WEB2, port: 80, state: "healthy" }] },
          {
            name: "api",
            loadBalancers: ["web-alb"],
            port: 8080,
            targets: [
              { id: WEB1, state: "healthy" },
              { id: WEB2, state: "unhealthy", reason: "Target.ResponseCodeMismatch", description: "Health checks failed with these codes: [502]" },
              { id: BATCH1, state: "draining" },
            ],
          },
        ],
        queues: [
          { name: "orders", visible: 5, inFlight: 1 },
          { name: "jobs-a", visible: 700, inFlight: 2 },
          { name: "jobs-b", visible: 10, redrive: { deadLetterTargetName: "dlq-jobs", maxReceiveCount: 5 } },
          { name: "dlq-jobs", visible: 3 },
        ],
      },
    },
    imds: {
      region: REGION,
      instanceId: WEB1,
      scheduledEvents: [{ code: "system-reboot", description: "scheduled reboot", notBefore: at(5 * DAY) }],
    },
  };
}

/**
 * Installs the built binary the way docs/install.md says (a copy plus one symlink per command), so a
 * concurrent `npm run build` swapping dist/bin cannot pull the plugins away from a running core.
 */
export function installPlugins(dir: string): { dir: string; commands: string[] } {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const binary = join(dir, "aws-checks");
  copyFileSync(binaryPath("aws-checks"), binary);
  chmodSync(binary, 0o755);
  const commands = execFileSync(binary, ["--list"], { encoding: "utf8" }).trim().split("\n");
  for (const command of commands) symlinkSync("aws-checks", join(dir, command));
  return { dir, commands };
}

/** The type of the root file system, which check_efs_mount can check without any mount of its own. */
export function rootFsType(): string {
  return execFileSync("findmnt", ["-n", "-o", "FSTYPE", "/"], { encoding: "utf8" }).trim();
}

/** Perfdata text as label -> `value[uom];warn;crit;min;max` as printed. */
export function perfItems(perfdata: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const item of perfdata.trim().split(/\s+/).filter(Boolean)) {
    const eq = item.indexOf("=");
    map.set(item.slice(0, eq).replace(/^'|'$/g, ""), item.slice(eq + 1));
  }
  return map;
}
