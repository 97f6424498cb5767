import { describe, expect, it } from "vitest";
import {
  type CheckName,
  type CheckStatus,
  type InstanceChecks,
  isShown,
  judgeStatuses,
  type StatusRules,
  type StatusSelection,
} from "../../checks/check_instance_status/judge";
import { renderMetric } from "../../src/metric";
import { State, worst } from "../../src/state";

const NOW = new Date("2026-11-30T12:00:00Z");
const SINCE = new Date("2026-11-30T08:30:00Z");
const RULES: StatusRules = { insufficientData: State.WARNING, ignore: [] };
const ALL: StatusSelection = { instanceIds: [], tags: [], includeStopped: false };

function check(status: string, impairedSince?: Date): CheckStatus {
  const detail = { ok: "passed", impaired: "failed", "insufficient-data": "insufficient-data", initializing: "initializing" }[status];
  return { status, details: detail ? [{ name: "reachability", status: detail, impairedSince }] : [] };
}

function instance(n: number, checks: Partial<Record<CheckName, string>> = {}, extra: Partial<InstanceChecks> = {}): InstanceChecks {
  const since = (s: string) => (s === "impaired" ? SINCE : undefined);
  const { system = "ok", instance: inst = "ok", ebs = "ok" } = checks;
  return {
    instanceId: `i-0000000000000000${n}`,
    state: "running",
    name: `web-${n}`,
    checks: { system: check(system, since(system)), instance: check(inst, since(inst)), ebs: check(ebs, since(ebs)) },
    ...extra,
  };
}

function verdict(instances: InstanceChecks[], rules: StatusRules = RULES, selection: StatusSelection = ALL) {
  const v = judgeStatuses(instances, rules, selection, NOW);
  return { ...v, state: v.state ?? worst(...v.findings.map((f) => f.state)), perfdata: v.metrics.map(renderMetric).join(" ") };
}

describe("judging status checks", () => {
  it("an impaired check is CRITICAL with its name, failing detail and since when", () => {
    for (const [name, label] of [["system", "system check"], ["instance", "instance check"], ["ebs", "attached-EBS check"]] as const) {
      const v = verdict([instance(1, { [name]: "impaired" }), instance(2)]);
      expect(v.state).toBe(State.CRITICAL);
      expect(v.findings).toHaveLength(1);
      expect(v.findings[0].text).toBe(
        `i-00000000000000001 (web-1): ${label} impaired: reachability failed since 2026-11-30T08:30:00Z (3h 30m ago)`,
      );
      expect(v.summary).toBe(`1 impaired of 2 instance(s); i-00000000000000001 (web-1): ${label} impaired`);
    }
  });

  it("several failing checks of one instance share its line; every failed detail is named", () => {
    const two = instance(1, { system: "impaired" });
    two.checks.ebs = {
      status: "impaired",
      details: [
        { name: "reachability", status: "failed", impairedSince: new Date("2026-11-28T12:00:00Z") },
        { name: "io", status: "passed" },
      ],
    };
    const v = verdict([two]);
    expect(v.findings[0].text).toBe(
      "i-00000000000000001 (web-1): system check impaired: reachability failed since 2026-11-30T08:30:00Z (3h 30m ago); " +
        "attached-EBS check impaired: reachability failed since 2026-11-28T12:00:00Z (2d ago)",
    );
    expect(v.perfdata).toContain("impaired=1;;0;0");
  });

  it("an impaired check without details still alerts", () => {
    const bare = instance(1);
    bare.checks.instance = { status: "impaired", details: [] };
    expect(verdict([bare]).findings[0]).toMatchObject({ state: State.CRITICAL, text: "i-00000000000000001 (web-1): instance check impaired" });
  });

  it.each([
    ["warning", State.WARNING, "insufficient_data=1;0;;0"],
    ["critical", State.CRITICAL, "insufficient_data=1;;0;0"],
    ["unknown", State.UNKNOWN, "insufficient_data=1;;;0"],
    ["ok", State.OK, "insufficient_data=1;;;0"],
  ])("insufficient-data follows --insufficient-data %s", (_name, state, perf) => {
    const v = verdict([instance(1, { instance: "insufficient-data" })], { ...RULES, insufficientData: state });
    expect(v.state).toBe(state);
    expect(v.findings[0]).toMatchObject({ state, text: "i-00000000000000001 (web-1): instance check insufficient-data" });
    expect(v.perfdata).toContain(perf);
    expect(v.summary).toContain("1 with insufficient data of 1 instance(s)");
  });

  it("initializing and not-applicable are OK; initializing is shown and counted", () => {
    const v = verdict([instance(1, { system: "initializing", instance: "initializing" }), instance(2, { ebs: "not-applicable" })]);
    expect(v.state).toBe(State.OK);
    expect(v.findings.map((f) => f.text)).toEqual(["i-00000000000000001 (web-1): system check initializing; instance check initializing"]);
    expect(v.summary).toBe("status checks pass on 2 instance(s) (1 initializing)");
    expect(v.perfdata).toBe("instances=2;;;0 impaired=0;;0;0 insufficient_data=0;0;;0 initializing=1;;;0");
  });

  it("ignored checks are neither judged nor counted", () => {
    const instances = [instance(1, { ebs: "impaired" }), instance(2, { system: "insufficient-data", instance: "impaired" })];
    const v = verdict(instances, { ...RULES, ignore: ["ebs", "instance"] });
    expect(v.state).toBe(State.WARNING);
    expect(v.findings.map((f) => f.text)).toEqual(["i-00000000000000002 (web-2): system check insufficient-data"]);
    expect(v.perfdata).toContain("impaired=0;");
    expect(isShown(instances[0], { ...RULES, ignore: ["ebs"] })).toBe(false);
    expect(isShown(instances[0], RULES)).toBe(true);
  });

  it("a stopped instance is shown and never alerts, even if a check says impaired", () => {
    const stopped = instance(3, { system: "impaired" }, { state: "stopped" });
    const v = verdict([stopped, instance(1)], { ...RULES }, { ...ALL, includeStopped: true });
    expect(v.state).toBe(State.OK);
    expect(v.findings).toEqual([expect.objectContaining({ state: State.OK, text: "i-00000000000000003 (web-3): stopped, no status checks" })]);
    expect(v.summary).toBe("status checks pass on 2 instance(s) (1 not running)");
    expect(v.perfdata).toContain("impaired=0;");
    expect(isShown(stopped, RULES)).toBe(true);
  });

  it("a status AWS may add later is UNKNOWN, never a pass", () => {
    const v = verdict([instance(1, { system: "degraded" })]);
    expect(v.state).toBe(State.UNKNOWN);
    expect(v.findings[0].text).toBe("i-00000000000000001 (web-1): system check reports unknown status 'degraded'");
    expect(v.summary).toContain("1 with an unknown status");
  });

  it("the worst instance leads the summary; the region and a missing name are shown as known", () => {
    const v = verdict([
      instance(1, { ebs: "insufficient-data" }),
      instance(2, { instance: "impaired" }, { name: undefined, region: "eu-west-1" }),
      instance(3, { system: "initializing" }),
    ]);
    expect(v.summary).toBe(
      "1 impaired, 1 with insufficient data of 3 instance(s) (1 initializing); i-00000000000000002 [eu-west-1]: instance check impaired",
    );
    expect(v.findings[0].text).toMatch(/^i-00000000000000002 \[eu-west-1\]: instance check impaired/);
  });

  it("a check left out of the answer is not judged", () => {
    const noEbs = instance(1);
    delete noEbs.checks.ebs;
    expect(verdict([noEbs]).state).toBe(State.OK);
  });
});

describe("what was selected", () => {
  it("no instance at all is OK", () => {
    expect(verdict([])).toMatchObject({ state: State.OK, summary: "no running instance" });
    expect(verdict([], RULES, { ...ALL, includeStopped: true }).summary).toBe("no instance");
  });

  it("a --tag or --instance-id selection that matches nothing is UNKNOWN naming it", () => {
    const tags = verdict([], RULES, { ...ALL, tags: [{ key: "env", value: "prod" }, { key: "role", value: "db" }] });
    expect(tags).toMatchObject({ state: State.UNKNOWN, summary: "no running instance matches --tag env=prod --tag role=db" });
    const ids = verdict([], RULES, { ...ALL, instanceIds: ["i-0123456789abcdef0"], includeStopped: true });
    expect(ids).toMatchObject({ state: State.UNKNOWN, summary: "no instance matches --instance-id i-0123456789abcdef0" });
  });

  it("an --instance-id no region answered for is UNKNOWN beside the ones that were read", () => {
    const v = verdict([instance(1)], RULES, { ...ALL, instanceIds: ["i-00000000000000001", "i-0123456789abcdef0"] });
    expect(v.state).toBe(State.UNKNOWN);
    expect(v.findings.map((f) => f.text)).toEqual(["i-0123456789abcdef0: no running instance with this id"]);
  });
});
