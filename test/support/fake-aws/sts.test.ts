import { DescribeInstanceStatusCommand, EC2Client } from "@aws-sdk/client-ec2";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientConfig } from "./clients";
import { type FakeAws, makeFleet, startFakeAws } from "./index";

describe("fake STS with the real STSClient", () => {
  let fake: FakeAws;
  let sts: STSClient;

  beforeAll(async () => {
    fake = await startFakeAws({ regions: { "us-east-1": { instances: makeFleet({ count: 3 }) } } });
    sts = new STSClient(clientConfig(fake));
  });
  afterAll(async () => {
    sts.destroy();
    await fake.stop();
  });

  it("AssumeRole mints credentials that later calls are attributed to", async () => {
    const before = Date.now();
    const out = await sts.send(
      new AssumeRoleCommand({ RoleArn: "arn:aws:iam::210987654321:role/monitoring", RoleSessionName: "nagios", ExternalId: "ext-42" }),
    );
    const after = Date.now();
    const creds = out.Credentials;
    expect(creds?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(creds?.SecretAccessKey).toBeTruthy();
    expect(creds?.SessionToken).toBeTruthy();
    expect(creds?.Expiration).toBeInstanceOf(Date);
    // Like STS, the fake answers in whole seconds: one hour after the second it answered in. Bracketed by
    // clock readings before and after the call, so no timing of the call itself can make this fail.
    const issued = (creds?.Expiration?.getTime() ?? 0) - 3_600_000;
    expect(issued % 1000).toBe(0);
    expect(issued).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(issued).toBeLessThanOrEqual(after);
    expect(out.AssumedRoleUser?.Arn).toBe("arn:aws:sts::210987654321:assumed-role/monitoring/nagios");
    expect(fake.assumedRoles).toHaveLength(1);
    expect(fake.assumedRoles[0]).toMatchObject({
      roleArn: "arn:aws:iam::210987654321:role/monitoring",
      roleSessionName: "nagios",
      externalId: "ext-42",
      callerAccessKeyId: "AKIDTEST",
    });
    expect(fake.calls.at(-1)).toMatchObject({ service: "sts", action: "AssumeRole", params: { ExternalId: "ext-42" } });

    const ec2 = new EC2Client(
      clientConfig(fake, "us-east-1", {
        credentials: {
          accessKeyId: creds?.AccessKeyId as string,
          secretAccessKey: creds?.SecretAccessKey as string,
          sessionToken: creds?.SessionToken as string,
        },
      }),
    );
    await ec2.send(new DescribeInstanceStatusCommand({}));
    ec2.destroy();
    expect(fake.calls.at(-1)).toMatchObject({ action: "DescribeInstanceStatus", accessKeyId: creds?.AccessKeyId });
    expect(fake.countWhere({ accessKeyId: creds?.AccessKeyId as string })).toBe(1);

    const who = await new STSClient(clientConfig(fake, "us-east-1", { credentials: { accessKeyId: creds?.AccessKeyId as string, secretAccessKey: "x" } })).send(
      new GetCallerIdentityCommand({}),
    );
    expect(who).toMatchObject({ Account: "210987654321", Arn: "arn:aws:sts::210987654321:assumed-role/monitoring/nagios" });
  });

  it("GetCallerIdentity for plain credentials", async () => {
    const who = await sts.send(new GetCallerIdentityCommand({}));
    expect(who).toMatchObject({ Account: "123456789012", Arn: "arn:aws:iam::123456789012:user/monitor" });
  });

  it("validates AssumeRole input", async () => {
    await expect(sts.send(new AssumeRoleCommand({ RoleArn: "not-an-arn", RoleSessionName: "s1" }))).rejects.toMatchObject({
      name: "ValidationError",
    });
  });
});
