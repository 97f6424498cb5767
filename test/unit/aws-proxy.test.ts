import { describe, expect, it } from "vitest";
import { proxyLabel, proxyRules, proxyUrlProblem } from "../../src/aws/proxy";
import { bypasses, proxyFor } from "../../src/aws/proxy-route";

describe("proxyRules: the environment as the AWS CLI reads it", () => {
  it("HTTPS_PROXY for https endpoints, HTTP_PROXY for http ones, upper case before lower case", () => {
    const r = proxyRules(undefined, { HTTPS_PROXY: "http://a:3128", https_proxy: "http://b:3128", http_proxy: "http://c:8080" });
    expect(proxyFor(r, "https:", "ec2.us-east-1.amazonaws.com", 443)).toBe("http://a:3128");
    expect(proxyFor(r, "http:", "127.0.0.1", 4566)).toBe("http://c:8080");
    expect(r.source).toEqual({ https: "HTTPS_PROXY", http: "http_proxy" });
  });

  it("lower case alone counts; a URL without a scheme is http://", () => {
    const r = proxyRules(undefined, { https_proxy: "proxy.corp:3128" });
    expect(proxyFor(r, "https:", "sqs.eu-west-1.amazonaws.com", 443)).toBe("http://proxy.corp:3128");
    expect(proxyFor(r, "http:", "sqs.eu-west-1.amazonaws.com", 80)).toBeUndefined();
  });

  it("no proxy variable: every call is direct", () => {
    const r = proxyRules(undefined, { NO_PROXY: "*" });
    expect(proxyFor(r, "https:", "ec2.us-east-1.amazonaws.com", 443)).toBeUndefined();
  });

  it("--proxy replaces both variables; NO_PROXY still applies", () => {
    const r = proxyRules("http://flag:1", { HTTPS_PROXY: "http://env:2", no_proxy: ".internal" });
    expect(proxyFor(r, "https:", "ec2.us-east-1.amazonaws.com", 443)).toBe("http://flag:1");
    expect(proxyFor(r, "http:", "fake.aws", 80)).toBe("http://flag:1");
    expect(proxyFor(r, "https:", "vpce.internal", 443)).toBeUndefined();
    expect(r.source.https).toBe("--proxy");
  });

  it("NO_PROXY is not mistaken for a URL: entries stay as given, comma or space separated", () => {
    const r = proxyRules(undefined, { HTTPS_PROXY: "http://p:1", NO_PROXY: " Example.COM,10.0.0.0/8  169.254.169.254 " });
    expect(r.noProxy).toEqual(["example.com", "10.0.0.0/8", "169.254.169.254"]);
  });
});

describe("bypasses: NO_PROXY entries", () => {
  const cases: [string, string, number, boolean][] = [
    ["*", "ec2.us-east-1.amazonaws.com", 443, true],
    ["amazonaws.com", "ec2.us-east-1.amazonaws.com", 443, true],
    [".amazonaws.com", "ec2.us-east-1.amazonaws.com", 443, true],
    ["*.amazonaws.com", "ec2.us-east-1.amazonaws.com", 443, true],
    ["amazonaws.com", "amazonaws.com", 443, true],
    ["amazonaws.com", "notamazonaws.com", 443, false],
    ["ec2.us-east-1.amazonaws.com", "sqs.us-east-1.amazonaws.com", 443, false],
    ["EC2.us-east-1.amazonaws.com", "ec2.US-EAST-1.amazonaws.com.", 443, true],
    ["127.0.0.1", "127.0.0.1", 8443, true],
    ["127.0.0.1", "127.0.0.2", 8443, false],
    ["10.0.0.0/8", "10.20.30.40", 443, true],
    ["10.0.0.0/8", "11.0.0.1", 443, false],
    ["192.168.1.0/24", "192.168.1.255", 443, true],
    ["0.0.0.0/0", "203.0.113.9", 443, true],
    ["10.0.0.0/8", "vpce.example.com", 443, false],
    ["fd00::/8", "fd12:3456::1", 443, true],
    ["fd00::/8", "fe80::1", 443, false],
    ["::1", "[::1]", 443, true],
    ["::1", "0.0.0.1", 443, false],
    ["2001:db8::1", "2001:db8:0:0:0:0:0:1", 443, true],
    ["10.0.0.0/8", "::ffff:10.1.2.3", 443, false],
    ["::ffff:10.1.2.3", "::ffff:a01:203", 443, true],
    ["127.0.0.1:4566", "127.0.0.1", 4566, true],
    ["127.0.0.1:4566", "127.0.0.1", 443, false],
    ["example.com:443", "s3.example.com", 443, true],
    ["[::1]:8443", "::1", 8443, true],
    ["10.0.0.0/33", "10.0.0.1", 443, false],
    ["10.0.0.0/x", "10.0.0.1", 443, false],
  ];
  it.each(cases)("%s with %s:%i -> %s", (entry, host, port, expected) => {
    expect(bypasses([entry.toLowerCase()], host, port)).toBe(expected);
  });

  it("any matching entry of a list is enough; none at all means through the proxy", () => {
    expect(bypasses(["example.com", "169.254.169.254", "10.0.0.0/8"], "10.1.1.1", 443)).toBe(true);
    expect(bypasses([], "10.1.1.1", 443)).toBe(false);
  });
});

describe("proxy URLs in messages", () => {
  it("proxyLabel drops user, password, path and query", () => {
    expect(proxyLabel("http://user:s3cret@proxy.corp:3128/x?y=1")).toBe("http://proxy.corp:3128");
    expect(proxyLabel("https://proxy.corp")).toBe("https://proxy.corp");
    expect(proxyLabel("::not a url s3cret")).toBe("the proxy (unparseable URL)");
  });

  it("proxyUrlProblem never echoes the password", () => {
    expect(proxyUrlProblem("http://u:p@proxy:3128")).toBeUndefined();
    expect(proxyUrlProblem("https://proxy:443")).toBeUndefined();
    for (const bad of ["socks5://u:s3cret@proxy:1080", "u:s3cret@", "http://u:s3cret@"]) {
      const problem = proxyUrlProblem(bad);
      expect(problem).toBeDefined();
      expect(problem).not.toContain("s3cret");
    }
    expect(proxyUrlProblem("socks5://u:s3cret@proxy:1080")).toBe("socks5://proxy:1080: only http:// and https:// proxies are supported");
  });
});
