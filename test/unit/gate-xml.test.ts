import { describe, expect, it } from "vitest";
import type { GateEntry } from "../../app/gate/config";
import { renderJunit } from "../../app/gate/format/junit";
import { outcomeOf } from "../../app/gate/outcome";
import type { CheckResult } from "../../app/gate/result";
import { State } from "../../src/state";
import { findAll, junitProblems, parseXml } from "./gate-xml";

const VALID = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites tests="2" failures="1" errors="0" time="0.5">
  <testsuite name="s" tests="2" failures="1" errors="0" time="0.5" timestamp="2026-11-23T10:00:00" hostname="h">
    <properties><property name="k" value="v"/></properties>
    <testcase name="a" classname="c" time="0.1"><system-out>ok</system-out></testcase>
    <testcase name="b" classname="c" time="0.2"><failure message="m" type="CRITICAL">x &amp; y</failure><system-out/></testcase>
    <system-out/>
    <system-err/>
  </testsuite>
</testsuites>`;

describe("the test's XML reader is strict", () => {
  it("reads a well-formed document, decoding entities", () => {
    const doc = parseXml(VALID);
    expect(junitProblems(doc)).toEqual([]);
    expect(findAll(doc, "failure")[0].text).toBe("x & y");
  });

  it.each([
    ["mismatched tag", "<a><b></a></b>", "</a> closes <b>"],
    ["unclosed", "<a><b></b>", "<a> is not closed"],
    ["bare <", "<a>1 < 2</a>", "expected a name"],
    ["bare &", "<a>this & that</a>", "bare '&'"],
    ["unknown entity", "<a>&nbsp;</a>", "unknown entity"],
    ["duplicate attribute", '<a x="1" x="2"/>', "duplicate attribute x"],
    ["unquoted attribute", "<a x=1/>", "is not quoted"],
    ["< in an attribute", '<a x="<"/>', "bare '<'"],
    ["control character", "<a>\u0001</a>", "U+1"],
    ["two roots", "<a/><b/>", "content after the root"],
  ])("rejects %s", (_kind, xml, message) => {
    expect(() => parseXml(xml)).toThrow(message);
  });
});

describe("the JUnit validator finds what CI tools choke on", () => {
  const broken = (from: string, to: string) => junitProblems(parseXml(VALID.replace(from, to)));
  it.each([
    ["a testcase without classname", ' classname="c" time="0.1"', ' time="0.1"', /testcase a: missing attribute classname/],
    ["a failure without type", ' type="CRITICAL"', "", /testcase b failure: missing attribute type/],
    ["counts that disagree", 'failures="1" errors="0" time="0.5" timestamp', 'failures="2" errors="0" time="0.5" timestamp', /failures="2" but the testcases say 1/],
    ["a timestamp with a zone", "2026-11-23T10:00:00", "2026-11-23T10:00:00Z", /bad timestamp/],
    ["a time that is not a decimal", 'time="0.2"', 'time="0,2"', /bad time="0,2"/],
    ["no properties", '<properties><property name="k" value="v"/></properties>', "", /children testcase,testcase,system-out,system-err/],
    ["system-out before failure", '<failure message="m" type="CRITICAL">x &amp; y</failure><system-out/>', '<system-out/><failure message="m" type="CRITICAL">x</failure>', /failure must come first/],
  ])("%s", (_kind, from, to, problem) => {
    expect(broken(from, to).join("\n")).toMatch(problem);
  });

  it("a root other than testsuites", () => {
    expect(junitProblems(parseXml(VALID.replace("<testsuites ", "<testsuitez ").replace("</testsuites>", "</testsuitez>")))).toEqual([
      "root is <testsuitez>, expected <testsuites>",
    ]);
  });
});

describe("the gate's JUnit report", () => {
  const entry = (name: string, allowed: State[] = []): GateEntry => ({
    name,
    command: "check_x",
    def: { name: "check_x", prefix: "X", summary: "", options: {}, examples: [], evaluate: async () => ({ state: 0, summary: "", findings: [], metrics: [] }) },
    argv: [],
    timeoutSeconds: 10,
    allowed,
    line: 1,
  });
  const result = (name: string, state: State, output: string, failed: boolean): CheckResult => ({ entry: entry(name), state, output, durationMs: 12.5, failed });

  it("survives any text a check may print: markup, quotes, control characters, lone surrogates", () => {
    const nasty = 'X CRITICAL: <b>"quoted"</b> & \'apos\' ]]> \u0007bell \ud800 tab\tend\nline 2 | a=1\n';
    const outcome = outcomeOf(
      'gate "prod" <1>.yaml',
      { suite: "prod & <test>", concurrency: 1, entries: [] },
      { failOn: State.WARNING },
      [result('name "with" <markup> & \n newline', State.CRITICAL, nasty, true), result("fine", State.OK, "X OK: fine\n", false)],
      new Date("2026-11-23T10:00:00.123Z"),
      1234.5,
    );
    const doc = parseXml(renderJunit(outcome, { hostname: "" }));
    expect(junitProblems(doc)).toEqual([]);
    const [nastyCase, fineCase] = findAll(doc, "testcase");
    // Written as character references, so even a newline or tab in an attribute survives a parser.
    expect(nastyCase.attributes.get("name")).toBe('name "with" <markup> & \n newline');
    const failure = nastyCase.children[0];
    expect(failure.attributes.get("message")).toBe('X CRITICAL: <b>"quoted"</b> & \'apos\' ]]> bell  tab\tend');
    expect(nastyCase.children[1].text).toBe(nasty.replace("\u0007", "").replace("\ud800", ""));
    expect(fineCase.children.map((c) => c.name)).toEqual(["system-out"]);
    const suite = findAll(doc, "testsuite")[0];
    expect(suite.attributes.get("name")).toBe("prod & <test>");
    expect(suite.attributes.get("hostname")).toBe("localhost");
    expect(suite.attributes.get("time")).toBe("1.234");
    expect(nastyCase.attributes.get("time")).toBe("0.013");
    expect(findAll(doc, "property").map((p) => [p.attributes.get("name"), p.attributes.get("value")])).toEqual([
      ["file", 'gate "prod" <1>.yaml'],
      ["fail-on", "warning"],
    ]);
  });
});
