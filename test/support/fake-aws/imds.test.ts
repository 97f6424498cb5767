import { MetadataService } from "@aws-sdk/ec2-metadata-service";
import { afterEach, beforeAll, afterAll, describe, expect, it } from "vitest";
import { type FakeAws, imdsDate, startFakeAws } from "./index";
import { lateBy } from "../timing";

describe("fake IMDSv2 with the real MetadataService", () => {
  let fake: FakeAws;

  beforeAll(async () => {
    fake = await startFakeAws({
      regions: {},
      imds: {
        region: "eu-central-1",
        instanceId: "i-0123456789abcdef0",
        availabilityZone: "eu-central-1b",
        scheduledEvents: [
          {
            code: "system-reboot",
            description: "scheduled reboot",
            notBefore: new Date("2019-01-21T09:00:43Z"),
            notAfter: new Date("2019-01-21T09:17:23Z"),
            eventId: "instance-event-0d59937288b749b32",
          },
          { code: "instance-stop", description: "[Completed] scheduled stop", notBefore: new Date("2019-01-01T00:00:00Z"), state: "completed" },
        ],
      },
    });
  });
  afterAll(async () => {
    await fake.stop();
  });
  afterEach(() => fake.clearFaults());

  const client = (extra: ConstructorParameters<typeof MetadataService>[0] = {}) =>
    new MetadataService({ endpoint: fake.url, httpOptions: { timeout: 1000 }, ec2MetadataV1Disabled: true, retries: 0, ...extra });

  it("serves region, AZ, instance id and scheduled events through the token handshake", async () => {
    fake.resetCalls();
    const md = client();
    expect(await md.request("/latest/meta-data/placement/region", {})).toBe("eu-central-1");
    expect(await md.request("/latest/meta-data/placement/availability-zone", {})).toBe("eu-central-1b");
    expect(await md.request("/latest/meta-data/instance-id", {})).toBe("i-0123456789abcdef0");
    const events = JSON.parse(await md.request("/latest/meta-data/events/maintenance/scheduled", {})) as unknown;
    expect(events).toEqual([
      {
        NotBefore: "21 Jan 2019 09:00:43 GMT",
        Code: "system-reboot",
        Description: "scheduled reboot",
        EventId: "instance-event-0d59937288b749b32",
        NotAfter: "21 Jan 2019 09:17:23 GMT",
        State: "active",
      },
    ]);
    const history = JSON.parse(await md.request("/latest/meta-data/events/maintenance/history", {})) as Array<{ State: string }>;
    expect(history.map((e) => e.State)).toEqual(["completed"]);
    expect(fake.countWhere({ service: "imds", action: "/latest/api/token" })).toBe(5);
    expect(fake.count("/latest/meta-data/placement/region")).toBe(1);
  });

  it("enforces the IMDSv2 token rules", async () => {
    const noTtl = await fetch(`${fake.url}/latest/api/token`, { method: "PUT" });
    expect(noTtl.status).toBe(400);
    const badTtl = await fetch(`${fake.url}/latest/api/token`, { method: "PUT", headers: { "x-aws-ec2-metadata-token-ttl-seconds": "21601" } });
    expect(badTtl.status).toBe(400);
    const noToken = await fetch(`${fake.url}/latest/meta-data/instance-id`);
    expect(noToken.status).toBe(401);
    const badToken = await fetch(`${fake.url}/latest/meta-data/instance-id`, { headers: { "x-aws-ec2-metadata-token": "nope" } });
    expect(badToken.status).toBe(401);
    const tok = await fetch(`${fake.url}/latest/api/token`, { method: "PUT", headers: { "x-aws-ec2-metadata-token-ttl-seconds": "60" } });
    expect(tok.status).toBe(200);
    const token = await tok.text();
    const ok = await fetch(`${fake.url}/latest/meta-data/instance-id`, { headers: { "x-aws-ec2-metadata-token": token } });
    expect(await ok.text()).toBe("i-0123456789abcdef0");
    const missing = await fetch(`${fake.url}/latest/meta-data/nothing-here`, { headers: { "x-aws-ec2-metadata-token": token } });
    expect(missing.status).toBe(404);
  });

  it("a scenario without IMDS answers 404 everywhere", async () => {
    const other = await startFakeAws({ regions: {} });
    try {
      await expect(
        new MetadataService({ endpoint: other.url, httpOptions: { timeout: 1000 }, retries: 0 }).request("/latest/meta-data/placement/region", {}),
      ).rejects.toThrow(/404/);
    } finally {
      await other.stop();
    }
  });

  it("a hanging IMDS is cut by the 1 s client timeout", async () => {
    fake.inject({ service: "imds", kind: "hang" });
    const t0 = Date.now();
    await expect(client().request("/latest/meta-data/placement/region", {})).rejects.toThrow();
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(lateBy(1000)); // a hang never ends by itself
  });

  it("formats IMDS dates like AWS", () => {
    expect(imdsDate(new Date("2019-01-21T09:00:43Z"))).toBe("21 Jan 2019 09:00:43 GMT");
  });
});
