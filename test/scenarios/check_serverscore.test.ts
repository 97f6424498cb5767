import { describe, expect, it } from "vitest";
import check from "../../checks/check_serverscore/index";
import type { AsgSource, ElbSource, ScorePort } from "../../checks/check_serverscore/source";
import type { HostSample } from "../../checks/serverscore/judge";
import type { InstanceHealth } from "../../src/aws/elb";
import { runCheck } from "../../src/runner";
import type { SshOutcome } from "../../src/ssh";
import { State } from "../../src/state";
import { denied, regional } from "./ports";

const GIB = 1024 ** 3;
/** A 2-CPU host with this 5-minute load and this share of memory available. */
const host = (load5: number, availablePct = 50): HostSample => ({
  load1: load5,
  load5,
  load15: load5,
  cpus: 2,
  memory: { totalBytes: 8 * GIB, availableBytes: (8 * GIB * availablePct) / 100, swapTotalBytes: 0, swapFreeBytes: 0 },
});

const answer = (score: number): Omit<SshOutcome, "host"> => ({
  exitCode: 0,
  stdout: JSON.stringify({ score, limiting: "load", window: 5, load_per_cpu: 0.5, components: { load: score } }),
  stderr: "",
  killed: false,
  notStarted: false,
  ms: 20,
});
const refused: Omit<SshOutcome, "host"> = { exitCode: 255, stdout: "", stderr: "ssh: connect to host web-3 port 22: Connection refused", killed: false, notStarted: false, ms: 5 };

/** This host, hosts reached over ssh by name (what each answers), and optionally a classic ELB and Auto Scaling. */
function port(sample: HostSample, answers: Record<string, Omit<SshOutcome, "host">> = {}, elb?: ElbSource, asg?: AsgSource): ScorePort {
  const ssh = async (hosts: readonly string[]) => hosts.map((h) => ({ host: h, ...(answers[h] ?? refused) }));
  return {
    host: { sample: async () => sample },
    ssh,
    elb: elb === undefined ? undefined : regional({ "eu-west-1": elb }),
    asg: asg === undefined ? undefined : regional({ "eu-west-1": asg }),
  };
}

/** Auto Scaling as fleet mode sees it: each group's InService instances, and their addresses. */
function asg(groups: Record<string, string[]> | Error, addresses: Record<string, string> = {}): AsgSource {
  return {
    inService: async (names) => {
      if (groups instanceof Error) throw groups;
      return new Map(names.map((n) => [n, groups[n]]));
    },
    addresses: async (ids) => new Map(ids.map((id) => [id, addresses[id]])),
  };
}
const fleetAsg = asg({ web: ["i-1", "i-2"], jobs: ["i-3"], empty: [] }, { "i-1": "10.0.0.1", "i-2": "10.0.0.2", "i-3": "10.0.0.3" });

type Group = { name: string; targetType: string; targets: { id: string; state: string }[] };

function elb(health: InstanceHealth[] | undefined | Error, addresses: Record<string, string> = {}, group?: Group | Error): ElbSource {
  return {
    health: async () => {
      if (health instanceof Error) throw health;
      return health;
    },
    addresses: async (ids) => new Map(ids.map((id) => [id, addresses[id]])),
    targetGroup: async () => {
      if (group instanceof Error) throw group;
      return group;
    },
  };
}
/** A region with only this target group (and these instance addresses). */
const tg = (group: Group | undefined | Error, addresses: Record<string, string> = {}) => elb(undefined, addresses, group);
const inService = (id: string): InstanceHealth => ({ instanceId: id, state: "InService", reasonCode: "N/A", description: "" });

describe("check_serverscore scenarios", () => {
  it.each([
    ["ok-idle-host", [], port(host(0.5)), State.OK, "SERVERSCORE OK: score 100 (0.25 load per CPU over 5 min)"],
    ["warn-score-below-50", [], port(host(3.2)), State.WARNING, "score 45"],
    ["crit-score-below-25", [], port(host(4.2)), State.CRITICAL, "score 23"],
    ["crit-memory-limits-the-score", ["--components", "load,mem"], port(host(0.5, 3)), State.CRITICAL, "limited by mem"],
    ["ok-empty-values-keep-defaults", ["--warning=", "--critical=", "--window="], port(host(0.5)), State.OK, "score=100;50:;25:;1;100"],
    ["ok-fleet-every-host-fine", ["--host", "web-1", "--host", "web-2"], port(host(9), { "web-1": answer(90), "web-2": answer(80) }), State.OK, "2 hosts, min score 80 (web-2)"],
    ["crit-fleet-worst-host-decides", ["--host", "web-1", "--host", "web-2"], port(host(0), { "web-1": answer(90), "web-2": answer(10) }), State.CRITICAL, "min score 10 (web-2)"],
    ["ok-fleet-average", ["--host", "web-1", "--host", "web-2", "--aggregate", "average"], port(host(0), { "web-1": answer(90), "web-2": answer(30) }), State.OK, "average score 60 over 2 hosts"],
    ["crit-fleet-unreachable-host", ["--host", "web-3"], port(host(0)), State.CRITICAL, "connection refused"],
    ["unknown-no-host-answered", ["--host", "web-3", "--unreachable", "ok"], port(host(0)), State.UNKNOWN, "SERVERSCORE UNKNOWN: none of 1 host answered"],
    ["warn-fleet-unreachable-as-warning", ["--host", "web-3", "--unreachable", "warning"], port(host(0)), State.WARNING, "connection refused"],
    ["ok-elb-in-service-instances-probed", ["--elb", "web", "--region", "eu-west-1"], port(host(0), { "10.0.0.1": answer(90) }, elb([inService("i-1")], { "i-1": "10.0.0.1" })), State.OK, "ELB web: 1 host, min score 90 (10.0.0.1)"],
    ["crit-elb-not-found", ["--elb", "web", "--region", "eu-west-1"], port(host(0), {}, elb(undefined)), State.CRITICAL, "load balancer 'web' not found"],
    ["crit-elb-nothing-in-service", ["--elb", "web", "--region", "eu-west-1"], port(host(0), {}, elb([])), State.CRITICAL, "ELB web: no InService instance (0 registered, region eu-west-1)"],
    ["unknown-elb-access-denied", ["--elb", "web", "--region", "eu-west-1"], port(host(0), {}, elb(denied("elasticloadbalancing:DescribeInstanceHealth"))), State.UNKNOWN, "may not call elasticloadbalancing:DescribeInstanceHealth"],
    ["ok-asg-in-service-instances-probed", ["--asg", "web", "--region", "eu-west-1"], port(host(0), { "10.0.0.1": answer(90), "10.0.0.2": answer(70) }, undefined, fleetAsg), State.OK, "ASG web: 2 hosts, min score 70 (10.0.0.2), avg 80"],
    ["crit-asg-host-score-low", ["--asg", "web", "--asg", "jobs", "--region", "eu-west-1"], port(host(0), { "10.0.0.1": answer(90), "10.0.0.2": answer(70), "10.0.0.3": answer(10) }, undefined, fleetAsg), State.CRITICAL, "ASG web, jobs: 3 hosts, min score 10 (10.0.0.3)"],
    ["crit-asg-not-found", ["--asg", "gone", "--region", "eu-west-1"], port(host(0), {}, undefined, fleetAsg), State.CRITICAL, "SERVERSCORE CRITICAL: ASG gone: no Auto Scaling group of that name in eu-west-1 | hosts=0;;;0"],
    ["crit-asg-nothing-in-service", ["--asg", "empty", "--region", "eu-west-1"], port(host(0), {}, undefined, fleetAsg), State.CRITICAL, "ASG empty: no InService instance (region eu-west-1)"],
    ["crit-asg-one-missing-others-probed", ["--asg", "web", "--asg", "gone", "--region", "eu-west-1"], port(host(0), { "10.0.0.1": answer(90), "10.0.0.2": answer(90) }, undefined, fleetAsg), State.CRITICAL, "[CRITICAL] ASG gone: no Auto Scaling group of that name in eu-west-1"],
    ["ok-asg-and-elb-same-instance-probed-once", ["--asg", "jobs", "--elb", "web", "--region", "eu-west-1"], port(host(0), { "10.0.0.3": answer(90) }, elb([inService("i-3")], { "i-3": "10.0.0.3" }), fleetAsg), State.OK, "ELB web, ASG jobs: 1 host, min score 90"],
    ["unknown-asg-access-denied", ["--asg", "web", "--region", "eu-west-1"], port(host(0), {}, undefined, asg(denied("autoscaling:DescribeAutoScalingGroups"))), State.UNKNOWN, "may not call autoscaling:DescribeAutoScalingGroups"],
    ["unknown-address-without-elb-target-group-or-asg", ["--host", "h", "--address", "public-ip"], port(host(0)), State.UNKNOWN, "--address needs --elb, --target-group or --asg"],
    ["unknown-fleet-option-alone", ["--concurrency", "4"], port(host(0)), State.UNKNOWN, "--concurrency needs --host, --elb, --target-group or --asg"],
    [
      "ok-target-group-and-asg-same-instance-probed-once",
      ["--target-group", "api", "--asg", "jobs", "--region", "eu-west-1"],
      port(host(0), { "10.0.0.3": answer(90) }, tg({ name: "api", targetType: "instance", targets: [{ id: "i-3", state: "healthy" }] }, { "i-3": "10.0.0.3" }), fleetAsg),
      State.OK,
      "target group api, ASG jobs: 1 host, min score 90 (10.0.0.3)",
    ],
    [
      "crit-target-group-empty-asg-probed",
      ["--target-group", "api", "--asg", "jobs", "--region", "eu-west-1"],
      port(host(0), { "10.0.0.3": answer(90) }, tg({ name: "api", targetType: "instance", targets: [{ id: "i-3", state: "unhealthy" }] }), fleetAsg),
      State.CRITICAL,
      "[CRITICAL] target group api: no healthy target (1 registered, region eu-west-1)",
    ],
    [
      "ok-target-group-healthy-instances-probed",
      ["--target-group", "api", "--region", "eu-west-1"],
      port(host(0), { "10.0.0.1": answer(90) }, tg({ name: "api", targetType: "instance", targets: [{ id: "i-1", state: "healthy" }, { id: "i-2", state: "unhealthy" }, { id: "i-3", state: "draining" }] }, { "i-1": "10.0.0.1", "i-2": "10.0.0.2" })),
      State.OK,
      "target group api: 1 host, min score 90 (10.0.0.1)",
    ],
    [
      "ok-target-group-ip-targets-at-their-address",
      ["--target-group", "ips", "--region", "eu-west-1"],
      port(host(0), { "10.0.3.7": answer(80) }, tg({ name: "ips", targetType: "ip", targets: [{ id: "10.0.3.7", state: "healthy" }, { id: "10.0.3.8", state: "initial" }] })),
      State.OK,
      "[OK] 10.0.3.7: score 80",
    ],
    ["crit-target-group-not-found", ["--target-group", "gone", "--region", "eu-west-1"], port(host(0), {}, tg(undefined)), State.CRITICAL, "target group 'gone' not found"],
    [
      "crit-target-group-nothing-healthy",
      ["--target-group", "api", "--region", "eu-west-1"],
      port(host(0), {}, tg({ name: "api", targetType: "instance", targets: [{ id: "i-1", state: "unhealthy" }] })),
      State.CRITICAL,
      "target group api: no healthy target (1 registered, region eu-west-1)",
    ],
    [
      "unknown-target-group-of-lambdas",
      ["--target-group", "fn", "--region", "eu-west-1"],
      port(host(0), {}, tg({ name: "fn", targetType: "lambda", targets: [{ id: "arn:aws:lambda:eu-west-1:123456789012:function:f", state: "healthy" }] })),
      State.UNKNOWN,
      "its targets are lambda targets, which have no host to probe over SSH",
    ],
    ["unknown-target-group-access-denied", ["--target-group", "api", "--region", "eu-west-1"], port(host(0), {}, tg(denied("elasticloadbalancing:DescribeTargetHealth"))), State.UNKNOWN, "may not call elasticloadbalancing:DescribeTargetHealth"],
  ])("%s", async (_id, argv, fixture, state, text) => {
    const r = await runCheck(check, argv, { port: fixture });
    expect(r.stdout).toContain(text);
    expect(r.exitCode).toBe(state);
  });

  it("fleet mode passes --window and --components on only when given", async () => {
    const commands: string[][] = [];
    const fixture: ScorePort = { ...port(host(0)), ssh: async (hosts, _s, command) => (commands.push(command), hosts.map((h) => ({ host: h, ...answer(90) }))) };
    await runCheck(check, ["--host", "web-1"], { port: fixture });
    await runCheck(check, ["--host", "web-1", "--window", "15", "--components", "load,mem"], { port: fixture });
    expect(commands).toEqual([["serverscore --format json"], ["serverscore --format json", "--window", "15", "--components", "load,mem"]]);
  });
});
