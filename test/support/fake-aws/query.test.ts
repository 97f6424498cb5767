import { describe, expect, it } from "vitest";
import { decodeToken, encodeToken } from "./paging";
import { QueryParams, wildcardMatcher } from "./query";
import { esc } from "./xml";

describe("QueryParams", () => {
  const q = QueryParams.parse(
    "Action=DescribeInstances&Version=2016-11-15&InstanceId.2=i-b&InstanceId.1=i-a&InstanceId.10=i-j" +
      "&Filter.2.Name=tag%3AEnv&Filter.2.Value.1=prod&Filter.1.Name=instance-state-name&Filter.1.Value.2=stopped&Filter.1.Value.1=running" +
      "&LoadBalancerNames.member.1=lb-1&LoadBalancerNames.member.2=lb+2&Instances.member.1.InstanceId=i-x&MaxResults=5&IncludeAllInstances=true",
  );

  it("decodes flattened EC2 lists in index order", () => {
    expect(q.action).toBe("DescribeInstances");
    expect(q.version).toBe("2016-11-15");
    expect(q.list("InstanceId")).toEqual(["i-a", "i-b", "i-j"]);
  });

  it("decodes filters", () => {
    expect(q.filters()).toEqual([
      { name: "instance-state-name", values: ["running", "stopped"] },
      { name: "tag:Env", values: ["prod"] },
    ]);
  });

  it("decodes awsQuery member lists and scalars", () => {
    expect(q.memberList("LoadBalancerNames")).toEqual(["lb-1", "lb 2"]);
    expect(q.memberStructList("Instances", "InstanceId")).toEqual(["i-x"]);
    expect(q.int("MaxResults")).toBe(5);
    expect(q.bool("IncludeAllInstances")).toBe(true);
    expect(q.int("Nope")).toBeUndefined();
  });

  it("matches AWS wildcards", () => {
    expect(wildcardMatcher("web-*")("web-1-20300101")).toBe(true);
    expect(wildcardMatcher("web-?")("web-12")).toBe(false);
    expect(wildcardMatcher("a.b")("axb")).toBe(false);
    expect(wildcardMatcher("x(1)*")("x(1)y")).toBe(true);
  });

  it("round-trips page tokens and rejects foreign ones", () => {
    expect(decodeToken("Op", encodeToken("Op", 42))).toBe(42);
    expect(decodeToken("Other", encodeToken("Op", 42))).toBeUndefined();
    expect(decodeToken("Op", "garbage")).toBeUndefined();
    expect(decodeToken("Op", undefined)).toBe(0);
  });

  it("escapes XML", () => {
    expect(esc(`a<b>&"c'`)).toBe("a&lt;b&gt;&amp;&quot;c&apos;");
    expect(esc("plain")).toBe("plain");
  });
});
