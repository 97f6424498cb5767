import { describe, expect, it } from "vitest";
import check from "../../checks/check_instance_status/index";
import type { CheckName, CheckStatus, InstanceChecks } from "../../checks/check_instance_status/judge";
import type { StatusPort, StatusSource } from "../../checks/check_instance_status/source";
import { runCheck } from "../../src/runner";
import { State } from "../../src/state";
import { denied, regional } from "./ports";

const NOW = new Date("2026-11-30T12:00:00Z");
const SINCE = new Date("2026-11-30T08:30:00Z");
const STATUSES = ["ok", "impaired", "insufficient-data", "initializing", "not-applicable"] as const;
const LABEL: Record<CheckName, string> = { system: "system check", instance: "instance check", ebs: "attached-EBS check" };
const DETAIL: Record<string, string | undefined> = { ok: "passed", impaired: "failed", "insufficient-data": "insufficient-data", initializing: "initializing" };

function checkStatus(status: string): CheckStatus {
  const detail = DETAIL[status];
  return { status, details: detail ? [{ name: "reachability", status: detail, impairedSince: status === "impaired" ? SINCE : undefined }] : [] };
}

/** Instance n in eu-west-1, every check ok unless given. */
function instance(n: number, checks: Partial<Record<CheckName, string>> = {}, state = "running"): InstanceChecks {
  const { system = "ok", instance: inst = "ok", ebs = "ok" } = checks;
  return {
    instanceId: `i-0000000000000000${n}`,
    region: "eu-west-1",
    state,
    checks: { system: checkStatus(system), instance: checkStatus(inst), ebs: checkStatus(ebs) },
  };
}

/** One region's EC2 as the check sees it: running instances only unless --include-stopped, as EC2 answers. */
function ec2(instances: InstanceChecks[] | Error, named: string[] = []): StatusSource {
  return {
    statuses: async (selection) => {
      if (instances instanceof Error) throw instances;
      return instances.filter((i) => selection.includeStopped || i.state === "running").map((i) => ({ ...i }));
    },
    names: async (ids) => {
      named.push(...ids);
      return new Map(ids.map((id) => [id, `web-${Number.parseInt(id.slice(2), 16)}`]));
    },
  };
}

const one = (...instances: InstanceChecks[]): StatusPort => regional({ "eu-west-1": ec2(instances) });

// Every status of every check, the other two checks passing.
const EVERY_STATUS = (["system", "instance", "ebs"] as const).flatMap((name) =>
  STATUSES.map((status) => {
    const state = { ok: State.OK, impaired: State.CRITICAL, "insufficient-data": State.WARNING, initializing: State.OK, "not-applicable": State.OK }[status];
    const prefix = { [State.OK]: "ok", [State.WARNING]: "warn", [State.CRITICAL]: "crit", [State.UNKNOWN]: "unknown" }[state];
    const line =
      status === "impaired"
        ? `[CRITICAL] i-00000000000000001 (web-1) [eu-west-1]: ${LABEL[name]} impaired: reachability failed since 2026-11-30T08:30:00Z (3h 30m ago)`
        : status === "insufficient-data"
          ? `[WARNING] i-00000000000000001 (web-1) [eu-west-1]: ${LABEL[name]} insufficient-data`
          : status === "initializing"
            ? `[OK] i-00000000000000001 (web-1) [eu-west-1]: ${LABEL[name]} initializing`
            : "STATUS OK: status checks pass on 1 instance(s) |";
    return [`${prefix}-${name}-${status}`, [] as string[], one(instance(1, { [name]: status })), state, line] as const;
  }),
);

describe("check_instance_status scenarios", () => {
  it.each([
    ...EVERY_STATUS,
    // Mixes: the worst check decides, every check of an instance on its one line.
    ["crit-impaired-beats-insufficient-data", [], one(instance(1, { ebs: "insufficient-data" }), instance(2, { system: "impaired" })), State.CRITICAL, "1 impaired, 1 with insufficient data of 2 instance(s); i-00000000000000002 (web-2) [eu-west-1]: system check impaired"],
    ["crit-two-checks-one-line", [], one(instance(1, { system: "impaired", ebs: "impaired" })), State.CRITICAL, "system check impaired: reachability failed since 2026-11-30T08:30:00Z (3h 30m ago); attached-EBS check impaired: reachability failed"],
    ["warn-insufficient-data-and-initializing", [], one(instance(1, { instance: "insufficient-data" }), instance(2, { system: "initializing" })), State.WARNING, "1 with insufficient data of 2 instance(s) (1 initializing)"],
    ["ok-all-initializing", [], one(instance(1, { system: "initializing", instance: "initializing", ebs: "initializing" })), State.OK, "status checks pass on 1 instance(s) (1 initializing)"],
    ["ok-every-check-not-applicable", [], one(instance(1, { system: "not-applicable", instance: "not-applicable", ebs: "not-applicable" })), State.OK, "STATUS OK: status checks pass on 1 instance(s) |"],
    ["ok-check-left-out-of-the-answer", [], regional({ "eu-west-1": ec2([{ ...instance(1), checks: { system: checkStatus("ok") } }]) }), State.OK, "status checks pass on 1 instance(s)"],
    ["unknown-status-aws-may-add", [], one(instance(1, { system: "degraded" })), State.UNKNOWN, "system check reports unknown status 'degraded'"],
    // Ignored checks are neither judged nor counted.
    ["ok-ignored-impaired-ebs", ["--ignore-check", "ebs"], one(instance(1, { ebs: "impaired" })), State.OK, "impaired=0;;0;0"],
    ["ok-ignored-two-checks", ["--ignore-check", "system", "--ignore-check", "instance"], one(instance(1, { system: "impaired", instance: "insufficient-data" })), State.OK, "status checks pass on 1 instance(s)"],
    ["crit-ignoring-another-check", ["--ignore-check", "system"], one(instance(1, { instance: "impaired" })), State.CRITICAL, "instance check impaired"],
    // --insufficient-data STATE.
    ["ok-insufficient-data-ok", ["--insufficient-data", "ok"], one(instance(1, { ebs: "insufficient-data" })), State.OK, "insufficient_data=1;;;0"],
    ["warn-insufficient-data-warning", ["--insufficient-data", "warning"], one(instance(1, { ebs: "insufficient-data" })), State.WARNING, "insufficient_data=1;0;;0"],
    ["crit-insufficient-data-critical", ["--insufficient-data", "critical"], one(instance(1, { ebs: "insufficient-data" })), State.CRITICAL, "insufficient_data=1;;0;0"],
    ["unknown-insufficient-data-unknown", ["--insufficient-data", "unknown"], one(instance(1, { ebs: "insufficient-data" })), State.UNKNOWN, "[UNKNOWN] i-00000000000000001 (web-1) [eu-west-1]: attached-EBS check insufficient-data"],
    ["crit-insufficient-data-any-case", ["--insufficient-data", "CRITICAL"], one(instance(1, { system: "insufficient-data" })), State.CRITICAL, "system check insufficient-data"],
    // Instances that are not running: shown with --include-stopped, never alerting.
    ["ok-stopped-not-read-by-default", [], one(instance(1), instance(3, { system: "impaired" }, "stopped")), State.OK, "instances=1;;;0"],
    ["ok-stopped-shown-never-alerting", ["--include-stopped"], one(instance(1), instance(3, { system: "impaired" }, "stopped")), State.OK, "[OK] i-00000000000000003 (web-3) [eu-west-1]: stopped, no status checks"],
    // What was selected.
    ["ok-no-running-instance", [], one(), State.OK, "STATUS OK: no running instance |"],
    ["unknown-tag-matches-nothing", ["--tag", "env=prod"], one(), State.UNKNOWN, "STATUS UNKNOWN: no running instance matches --tag env=prod"],
    ["unknown-instance-id-matches-nothing", ["--instance-id", "i-0123456789abcdef0"], one(), State.UNKNOWN, "no running instance matches --instance-id i-0123456789abcdef0"],
    ["unknown-instance-id-missing-beside-one-read", ["--instance-id", "i-00000000000000001", "--instance-id", "i-0123456789abcdef0"], one(instance(1)), State.UNKNOWN, "[UNKNOWN] i-0123456789abcdef0: no running instance with this id"],
    // Regions and errors.
    ["unknown-access-denied", [], regional({ "eu-west-1": ec2(denied("ec2:DescribeInstanceStatus")) }), State.UNKNOWN, "access denied: the credentials may not call ec2:DescribeInstanceStatus"],
    ["unknown-other-region-failed", [], regional({ "eu-west-1": ec2([instance(1)]), "us-east-1": ec2(denied("ec2:DescribeInstanceStatus")) }), State.UNKNOWN, "[UNKNOWN] region us-east-1: access denied: the credentials may not call ec2:DescribeInstanceStatus"],
    ["crit-other-region-failed", [], regional({ "eu-west-1": ec2([instance(1, { instance: "impaired" })]), "us-east-1": ec2(denied("ec2:DescribeInstanceStatus")) }), State.CRITICAL, "; 1 region(s) could not be read"],
    ["unknown-bad-ignore-check", ["--ignore-check", "network"], one(), State.UNKNOWN, "STATUS UNKNOWN: --ignore-check: expected system, instance or ebs, got 'network'"],
    ["unknown-bad-insufficient-data", ["--insufficient-data", "maybe"], one(), State.UNKNOWN, "STATUS UNKNOWN: --insufficient-data: expected ok, warning, critical or unknown, got 'maybe'"],
    ["unknown-bad-instance-id", ["--instance-id", "web-1"], one(), State.UNKNOWN, "--instance-id: 'web-1' is not an instance id"],
  ] as const)("%s", async (_id, argv, fixture, state, text) => {
    const r = await runCheck(check, [...argv], { port: fixture, now: () => NOW });
    expect(r.stdout).toContain(text);
    expect(r.exitCode).toBe(state);
  });

  it("names only the instances it shows, in one lookup per region", async () => {
    const named: string[] = [];
    const instances = [instance(1), instance(2, { system: "impaired" }), instance(3), instance(4, { instance: "initializing" })];
    const r = await runCheck(check, [], { port: regional({ "eu-west-1": ec2(instances, named) }), now: () => NOW });
    expect(r.exitCode).toBe(State.CRITICAL);
    expect(named).toEqual(["i-00000000000000002", "i-00000000000000004"]);
  });

  it("prints the four counts as perfdata", async () => {
    const r = await runCheck(check, [], {
      port: one(instance(1, { system: "impaired" }), instance(2, { ebs: "insufficient-data" }), instance(3, { instance: "initializing" }), instance(4)),
      now: () => NOW,
    });
    expect(r.stdout).toMatch(/\| instances=4;;;0 impaired=1;;0;0 insufficient_data=1;0;;0 initializing=1;;;0\n$/);
  });
});
