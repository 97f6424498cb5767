import { describe, expect, it } from "vitest";
import { awsErrorText } from "../../src/aws/errors";
import { parseCommandLine } from "../../src/argv";
import { AWS_OPTIONS, awsSettings } from "../../src/aws/options";

const parseAwsSettings = (argv: string[]) => awsSettings(parseCommandLine(argv, AWS_OPTIONS).values);

describe("AWS options", () => {
  it("takes repeated and comma-separated regions, once each", () => {
    expect(parseAwsSettings(["--region", "eu-west-1", "--region", "us-east-1,eu-west-1"]).regions).toEqual(["eu-west-1", "us-east-1"]);
  });
  it.each([
    [["--region", "Europe"], /--region: 'Europe' is not a region name/],
    [["--region", "all", "--region", "eu-west-1"], /'all' cannot be combined/],
    [["--role-arn", "monitor"], /--role-arn: 'monitor' is not an IAM role ARN/],
    [["--external-id", "x"], /--external-id needs --role-arn/],
    [["--endpoint-url", "localhost:4566"], /--endpoint-url: 'localhost:4566' is not an http\(s\) URL/],
    [["--max-attempts", "0"], /--max-attempts: expected a positive number/],
  ])("rejects %j", (args, message) => {
    expect(() => parseAwsSettings(args)).toThrow(message);
  });
  it("defaults to 3 attempts and the SDK's region chain", () => {
    expect(parseAwsSettings([])).toMatchObject({ regions: [], maxAttempts: 3 });
  });
});

describe("AWS error words", () => {
  const sdkError = (name: string, message: string, extra: object = {}) => Object.assign(new Error(message), { name, ...extra });
  it("names the IAM action from the message of an access-denied error", () => {
    const err = sdkError("AccessDenied", "User: arn:aws:iam::1:user/m is not authorized to perform: sqs:GetQueueAttributes on resource");
    expect(awsErrorText(err)).toBe("access denied: the credentials may not call sqs:GetQueueAttributes (AccessDenied)");
  });
  it("falls back to the action the client recorded", () => {
    const err = sdkError("UnauthorizedOperation", "You are not authorized to perform this operation.", { $action: "ec2:DescribeImages" });
    expect(awsErrorText(err)).toContain("ec2:DescribeImages");
  });
  it("says how many attempts a throttled call took", () => {
    const err = sdkError("RequestLimitExceeded", "Request limit exceeded.", { $action: "ec2:DescribeInstanceStatus", $metadata: { attempts: 3 } });
    expect(awsErrorText(err)).toMatch(/throttled by AWS on ec2:DescribeInstanceStatus after 3 attempts/);
  });
  it("tells expired from rejected credentials", () => {
    expect(awsErrorText(sdkError("ExpiredToken", "The security token included in the request is expired"))).toMatch(/expired/);
    expect(awsErrorText(sdkError("AuthFailure", "AWS was not able to validate the provided access credentials"))).toMatch(/rejected/);
  });
});
