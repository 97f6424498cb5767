import { EC2Client, type InstanceStatus } from "@aws-sdk/client-ec2";
import fc from "fast-check";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { readInstanceStatuses, runningAndPassing, type StatusFields, withoutEvents } from "../../src/aws/instance-status";

// One DescribeInstanceStatus item as EC2 writes it: `pad` between elements (EC2 indents; the fake does not).
interface Item {
  id: string;
  events: number;
  state: "running" | "stopped" | "pending";
  outpost: boolean;
  /** Elements EC2 has added over the years that no check reads (availabilityZoneId, operator, applicationStatus). */
  newer?: boolean;
  /** The elements in the opposite order. */
  reversed?: boolean;
  checks: { tag: string; status: string; details: { name: string; status: string; since?: string }[] }[];
}

function itemXml(item: Item, pad: string): string {
  const el = (tag: string, value: string) => `<${tag}>${value}</${tag}>${pad}`;
  const summary = (check: Item["checks"][number]) => {
    let xml = `<${check.tag}>${pad}${el("status", check.status)}`;
    if (check.details.length > 0) {
      xml += `<details>${pad}`;
      for (const d of check.details) xml += `<item>${pad}${el("name", d.name)}${el("status", d.status)}${d.since ? el("impairedSince", d.since) : ""}</item>${pad}`;
      xml += `</details>${pad}`;
    }
    return `${xml}</${check.tag}>${pad}`;
  };
  const parts = [el("instanceId", item.id), el("availabilityZone", "us-east-1a")];
  if (item.newer) parts.push(el("availabilityZoneId", "use1-az1"), `<operator>${pad}${el("managed", "false")}</operator>${pad}`);
  if (item.outpost) parts.push(el("outpostArn", "arn:aws:outposts:us-east-1:123:outpost/op-1"));
  if (item.events > 0) {
    let events = `<eventsSet>${pad}`;
    for (let k = 0; k < item.events; k++) {
      events += `<item>${pad}${el("instanceEventId", `instance-event-${k}`)}${el("code", "system-reboot")}${el("description", "reboot &amp; patch")}${el("notBefore", "2026-12-03T16:00:00.000Z")}</item>${pad}`;
    }
    parts.push(`${events}</eventsSet>${pad}`);
  }
  const code = { running: 16, stopped: 80, pending: 0 }[item.state];
  parts.push(`<instanceState>${pad}${el("code", String(code))}${el("name", item.state)}</instanceState>${pad}`);
  parts.push(...item.checks.map(summary));
  if (item.newer) parts.push(summary({ tag: "applicationStatus", status: "impaired", details: [{ name: "reachability", status: "failed" }] }));
  if (item.reversed) parts.reverse();
  return `<item>${pad}${parts.join("")}</item>${pad}`;
}

function page(items: Item[], pad: string, token?: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeInstanceStatusResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">${pad}` +
    `<requestId>r-1</requestId>${pad}<instanceStatusSet>${pad}${items.map((i) => itemXml(i, pad)).join("")}</instanceStatusSet>${pad}` +
    `${token ? `<nextToken>${token}</nextToken>` : ""}</DescribeInstanceStatusResponse>`
  );
}

const PASS = (tag: string) => ({ tag, status: "ok", details: [{ name: "reachability", status: "passed" }] });
const ALL_PASS = ["systemStatus", "instanceStatus", "attachedEbsStatus"].map(PASS);
const passingItem = (id: string, extra: Partial<Item> = {}): Item => ({ id, events: 0, state: "running", outpost: false, checks: ALL_PASS, ...extra });

/** A real EC2 client whose HTTP answers are these pages, in turn. */
function ec2Answering(pages: string[]): EC2Client {
  let calls = 0;
  const handler = {
    handle: async () => {
      const body = pages[Math.min(calls++, pages.length - 1)];
      return { response: { statusCode: 200, headers: { "content-type": "text/xml" }, body: Readable.from([Buffer.from(body)]) } };
    },
  };
  return new EC2Client({ region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "b" }, requestHandler: handler as never, maxAttempts: 1 });
}

async function read(pages: string[], fields: StatusFields) {
  const ec2 = ec2Answering(pages);
  const parsed: InstanceStatus[] = [];
  const skimmed: string[] = [];
  const query = { instanceIds: [], includeStopped: true };
  await readInstanceStatuses(ec2, query, fields, { abortSignal: new AbortController().signal }, (statuses, ids) => {
    parsed.push(...statuses);
    skimmed.push(...ids);
  });
  return { parsed, skimmed };
}

const CHECK_FIELDS = ["instanceState", "systemStatus", "instanceStatus", "attachedEbsStatus"];
const ALL_FIELDS = ["availabilityZone", "outpostArn", "eventsSet", ...CHECK_FIELDS];
const INDENTED = "\n            ";

describe("skimming DescribeInstanceStatus items that need no parsing", () => {
  it("a running instance with three passing checks reaches check_instance_status as its id alone, indented or not, events or not", async () => {
    const items = [passingItem("i-1"), passingItem("i-2", { events: 2, outpost: true }), passingItem("i-3", { checks: [PASS("systemStatus"), { tag: "instanceStatus", status: "impaired", details: [{ name: "reachability", status: "failed", since: "2026-11-30T08:30:00.000Z" }] }, PASS("attachedEbsStatus")] })];
    for (const pad of ["", INDENTED]) {
      const { parsed, skimmed } = await read([page(items, pad)], { keep: CHECK_FIELDS, skim: runningAndPassing });
      expect(skimmed).toEqual(["i-1", "i-2"]);
      expect(parsed.map((s) => s.InstanceId)).toEqual(["i-3"]);
      expect(parsed[0].InstanceStatus).toEqual({ Status: "impaired", Details: [{ Name: "reachability", Status: "failed", ImpairedSince: new Date("2026-11-30T08:30:00.000Z") }] });
    }
  });

  it("anything short of running with three passing checks is parsed", async () => {
    const other: Item[] = [
      passingItem("i-stopped", { state: "stopped" }),
      passingItem("i-two-checks", { checks: ALL_PASS.slice(0, 2) }),
      passingItem("i-insufficient", { checks: [PASS("systemStatus"), PASS("instanceStatus"), { tag: "attachedEbsStatus", status: "insufficient-data", details: [{ name: "reachability", status: "insufficient-data" }] }] }),
      passingItem("i-init", { checks: [{ tag: "systemStatus", status: "initializing", details: [{ name: "reachability", status: "initializing" }] }, ...ALL_PASS.slice(1)] }),
      // `ok` overall, yet a second detail fails: not the plain pass runningAndPassing looks for.
      passingItem("i-io", { checks: [...ALL_PASS.slice(0, 2), { tag: "attachedEbsStatus", status: "ok", details: [{ name: "reachability", status: "passed" }, { name: "io", status: "failed" }] }] }),
      passingItem("i-no-details", { checks: ALL_PASS.map((c) => ({ ...c, details: [] })) }),
    ];
    const { parsed, skimmed } = await read([page(other, INDENTED)], { keep: CHECK_FIELDS, skim: runningAndPassing });
    expect(skimmed).toEqual([]);
    expect(parsed.map((s) => s.InstanceId)).toEqual(other.map((i) => i.id));
  });

  it("an instance without events reaches check_instance_events as its id alone, whatever its state and checks", async () => {
    const items = [
      passingItem("i-1"),
      passingItem("i-2", { state: "stopped", checks: [{ tag: "systemStatus", status: "not-applicable", details: [] }] }),
      passingItem("i-3", { events: 1 }),
      passingItem("i-4", { checks: [{ tag: "systemStatus", status: "impaired", details: [{ name: "reachability", status: "failed", since: "2026-11-30T08:30:00.000Z" }] }] }),
    ];
    for (const pad of ["", INDENTED]) {
      const { parsed, skimmed } = await read([page(items, pad)], { keep: ["eventsSet"], skim: withoutEvents });
      expect(skimmed).toEqual(["i-1", "i-2", "i-4"]);
      expect(parsed).toEqual([{ InstanceId: "i-3", Events: [{ InstanceEventId: "instance-event-0", Code: "system-reboot", Description: "reboot & patch", NotBefore: new Date("2026-12-03T16:00:00.000Z") }] }]);
    }
  });

  it("elements EC2 added later, and any order, do not keep an instance from being skimmed", async () => {
    const items = [passingItem("i-1", { newer: true }), passingItem("i-2", { reversed: true, events: 1 }), passingItem("i-3", { newer: true, reversed: true })];
    for (const pad of ["", INDENTED]) {
      expect((await read([page(items, pad)], { keep: CHECK_FIELDS, skim: runningAndPassing })).skimmed).toEqual(["i-1", "i-2", "i-3"]);
      expect((await read([page(items, pad)], { keep: ["eventsSet"], skim: withoutEvents })).skimmed).toEqual(["i-1", "i-3"]);
    }
  });

  it("a truncated answer still fails to parse, skimming or not", async () => {
    const whole = page([passingItem("i-1"), passingItem("i-2", { state: "stopped" })], INDENTED);
    const cut = whole.slice(0, whole.indexOf("i-2") + 3);
    for (const fields of [{ keep: CHECK_FIELDS, skim: runningAndPassing }, { keep: ["eventsSet"], skim: withoutEvents }]) {
      await expect(read([cut], fields)).rejects.toThrow();
    }
  });

  it("skimmed ids come with their own page, and the token still leads to the next page", async () => {
    const pages = [page([passingItem("i-1"), passingItem("i-2", { state: "stopped" })], "", "t2"), page([passingItem("i-3")], "")];
    const ec2 = ec2Answering(pages);
    const seen: { parsed: string[]; skimmed: readonly string[] }[] = [];
    const query = { instanceIds: [], includeStopped: true };
    await readInstanceStatuses(ec2, query, { keep: CHECK_FIELDS, skim: runningAndPassing }, { abortSignal: new AbortController().signal }, (statuses, ids) => {
      seen.push({ parsed: statuses.map((s) => s.InstanceId ?? ""), skimmed: ids });
    });
    expect(seen).toEqual([
      { parsed: ["i-2"], skimmed: ["i-1"] },
      { parsed: [], skimmed: ["i-3"] },
    ]);
  });

  it("for any page, what is skimmed plus what is parsed says what parsing all of it says", async () => {
    const detail = fc.record({ name: fc.constantFrom("reachability", "io"), status: fc.constantFrom("passed", "failed", "insufficient-data", "initializing"), since: fc.option(fc.constant("2026-11-30T08:30:00.000Z"), { nil: undefined }) });
    const check = (tag: string) =>
      fc.record({ tag: fc.constant(tag), status: fc.constantFrom("ok", "impaired", "insufficient-data", "initializing", "not-applicable"), details: fc.array(detail, { maxLength: 2 }) });
    const checks = fc.tuple(check("systemStatus"), check("instanceStatus"), check("attachedEbsStatus"), fc.integer({ min: 0, max: 3 })).map(([a, b, c, drop]) => [a, b, c].filter((_, k) => k !== drop));
    const item = fc.record({
      events: fc.integer({ min: 0, max: 2 }),
      state: fc.constantFrom("running", "stopped", "pending") as fc.Arbitrary<Item["state"]>,
      outpost: fc.boolean(),
      newer: fc.boolean(),
      reversed: fc.boolean(),
      // Half of them plain passes, as in a real fleet.
      checks: fc.oneof(fc.constant(ALL_PASS), checks),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(item, { maxLength: 12 }), fc.constantFrom("", INDENTED), async (drawn, pad) => {
        const items = drawn.map((it, k) => ({ ...it, id: `i-${k}` }));
        const xml = [page(items, pad)];
        const whole = new Map((await read(xml, { keep: ALL_FIELDS })).parsed.map((s) => [s.InstanceId, s]));

        const status = await read(xml, { keep: CHECK_FIELDS, skim: runningAndPassing });
        for (const id of status.skimmed) {
          const s = whole.get(id);
          expect(s?.InstanceState?.Name).toBe("running");
          for (const c of [s?.SystemStatus, s?.InstanceStatus, s?.AttachedEbsStatus]) expect(c).toEqual({ Status: "ok", Details: [{ Name: "reachability", Status: "passed" }] });
        }
        for (const s of status.parsed) {
          const w = whole.get(s.InstanceId);
          expect(s).toEqual({ InstanceId: w?.InstanceId, InstanceState: w?.InstanceState, SystemStatus: w?.SystemStatus, InstanceStatus: w?.InstanceStatus, AttachedEbsStatus: w?.AttachedEbsStatus });
        }
        expect([...status.skimmed, ...status.parsed.map((s) => s.InstanceId)].sort()).toEqual([...whole.keys()].sort());

        const events = await read(xml, { keep: ["eventsSet"], skim: withoutEvents });
        for (const id of events.skimmed) expect(whole.get(id)?.Events).toBeUndefined();
        for (const s of events.parsed) expect(s.Events).toEqual(whole.get(s.InstanceId)?.Events);
        expect([...events.skimmed, ...events.parsed.map((s) => s.InstanceId)].sort()).toEqual([...whole.keys()].sort());
      }),
      { numRuns: 150 },
    );
  });
});
