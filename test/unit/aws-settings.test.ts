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
    [["--proxy", "socks5://proxy:1080"], /^--proxy: socks5:\/\/proxy:1080: only http:\/\/ and https:\/\/ proxies are supported$/],
    [["--proxy", "http://"], /^--proxy: not a URL/],
  ])("rejects %j", (args, message) => {
    expect(() => parseAwsSettings(args)).toThrow(message);
  });
  it("defaults to 3 attempts and the SDK's region chain", () => {
    expect(parseAwsSettings([])).toMatchObject({ regions: [], maxAttempts: 3 });
  });
});

describe("--proxy", () => {
  it("keeps the URL with its credentials for the connection; host:port means http://host:port", () => {
    expect(parseAwsSettings(["--proxy", "http://u:p@proxy:3128"]).proxy).toBe("http://u:p@proxy:3128");
    expect(parseAwsSettings(["--proxy", "proxy:3128"]).proxy).toBe("http://proxy:3128");
  });
  it("a rejected URL's message never carries its password", () => {
    expect(() => parseAwsSettings(["--proxy", "ftp://u:s3cret@proxy:2121"])).toThrow(/^--proxy: ftp:\/\/proxy:2121: only/);
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
  const viaProxy = { $action: "sqs:GetQueueAttributes", $proxy: "http://proxy.corp:3128", $target: "sqs.eu-west-1.amazonaws.com:443" };
  it("a proxy that answers the CONNECT with an error status names the proxy, the target and the call", () => {
    expect(awsErrorText(sdkError("Error", "Bad response: 403", viaProxy))).toBe(
      "proxy http://proxy.corp:3128 could not connect to sqs.eu-west-1.amazonaws.com:443 for sqs:GetQueueAttributes (HTTP 403)",
    );
  });
  it("a proxy that cannot be reached", () => {
    expect(awsErrorText(sdkError("Error", "connect ETIMEDOUT 10.0.0.1:3128", { ...viaProxy, code: "ETIMEDOUT" }))).toBe(
      "no connection through the proxy http://proxy.corp:3128 for sqs:GetQueueAttributes (to sqs.eu-west-1.amazonaws.com:443): connect ETIMEDOUT 10.0.0.1:3128",
    );
  });
  it("an AWS error that came through the proxy is still the AWS error", () => {
    expect(awsErrorText(sdkError("AccessDenied", "not authorized", viaProxy))).toMatch(/^access denied: the credentials may not call sqs:GetQueueAttributes/);
  });
  it("a certificate that does not verify names the CA bundle in use and the way to add one", () => {
    const err = sdkError("Error", "self-signed certificate in certificate chain", { ...viaProxy, code: "SELF_SIGNED_CERT_IN_CHAIN", $caBundle: "/etc/ca.pem (AWS_CA_BUNDLE)" });
    expect(awsErrorText(err)).toBe(
      "certificate verification failed for sqs:GetQueueAttributes (through the proxy http://proxy.corp:3128): self-signed certificate in certificate chain; " +
        "trusted: the built-in roots and /etc/ca.pem (AWS_CA_BUNDLE). For a private CA or a TLS-inspecting proxy set AWS_CA_BUNDLE or ca_bundle in the profile",
    );
  });
});
