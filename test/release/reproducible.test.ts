import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "../support/run-binary";
import { RELEASE, releaseFile } from "./release-files";

// Same inputs, same bytes: a second `npm run release` of the same tree, into another folder, must
// give every file of dist/release byte for byte (SHA256SUMS lists them all). Both take their time
// from the last commit (SOURCE_DATE_EPOCH unset), so a commit between the two would differ.

describe("npm run release", () => {
  const again = mkdtempSync("/tmp/aws-checks-release-again-");
  afterAll(() => rmSync(again, { recursive: true, force: true }));

  it("is reproducible: a second release of the same tree has the same bytes", () => {
    const first = readFileSync(releaseFile("SHA256SUMS"), "utf8");
    const env = { ...process.env };
    delete env.SOURCE_DATE_EPOCH;
    execFileSync("node", [join(ROOT, "scripts", "release.mjs"), "--out", join(again, "release")], { env, stdio: "ignore", timeout: 1_500_000 });
    expect(readdirSync(join(again, "release")).sort()).toEqual(readdirSync(RELEASE).sort());
    expect(readFileSync(join(again, "release", "SHA256SUMS"), "utf8")).toBe(first);
  }, 1_600_000);
});
