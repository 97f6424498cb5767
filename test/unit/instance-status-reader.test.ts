import { describe, expect, it } from "vitest";
import { shortenPassingChecks } from "../../src/aws/instance-status";

// As EC2 sends it: indented, one element a line.
const PASSING = `<systemStatus>
                <status>ok</status>
                <details>
                    <item>
                        <name>reachability</name>
                        <status>passed</status>
                    </item>
                </details>
            </systemStatus>`;

describe("shortening passing status checks before the SDK parses them", () => {
  it("keeps only the summary of a passing check, indented or not, for all three checks", () => {
    expect(shortenPassingChecks(`<item>${PASSING}</item>`)).toBe("<item><systemStatus><status>ok</status></systemStatus></item>");
    const compact = (tag: string) => `<${tag}><status>ok</status><details><item><name>reachability</name><status>passed</status></item></details></${tag}>`;
    expect(shortenPassingChecks(compact("instanceStatus") + compact("attachedEbsStatus"))).toBe(
      "<instanceStatus><status>ok</status></instanceStatus><attachedEbsStatus><status>ok</status></attachedEbsStatus>",
    );
  });

  it("leaves every other check as it came", () => {
    const others = [
      "<systemStatus><status>impaired</status><details><item><name>reachability</name><status>failed</status><impairedSince>2026-11-30T08:30:00.000Z</impairedSince></item></details></systemStatus>",
      "<instanceStatus><status>insufficient-data</status><details><item><name>reachability</name><status>insufficient-data</status></item></details></instanceStatus>",
      "<attachedEbsStatus><status>ok</status><details><item><name>reachability</name><status>passed</status></item><item><name>io</name><status>failed</status></item></details></attachedEbsStatus>",
      "<systemStatus><status>not-applicable</status></systemStatus>",
      "<instanceStatus><status>ok</status><details><item><name>reachability</name><status>passed</status></item></details></systemStatus>",
    ];
    for (const xml of others) expect(shortenPassingChecks(xml)).toBe(xml);
  });
});
