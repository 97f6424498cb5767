import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { binaryPath } from "../support/run-binary";

// Bun executables read .env and bunfig.toml from the current directory unless built not to: a plugin run
// from an untrusted directory must not take credentials or preloaded code from it.
const dir = mkdtempSync(join(tmpdir(), "aws-checks-cwd-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("ignores .env and bunfig.toml in the working directory", () => {
  const marker = join(dir, "preloaded");
  writeFileSync(join(dir, ".env"), "AWS_REGION=eu-west-3\nAWS_ACCESS_KEY_ID=AKIDFROMDOTENV\n");
  writeFileSync(join(dir, "preload.js"), `require("fs").writeFileSync(${JSON.stringify(marker)}, "ran");\n`);
  writeFileSync(join(dir, "bunfig.toml"), 'preload = ["./preload.js"]\n');
  const r = spawnSync(binaryPath("check_instance_events"), ["--max-attempts", "1"], {
    cwd: dir,
    env: { PATH: "/usr/bin:/bin", AWS_EC2_METADATA_DISABLED: "true" },
    encoding: "utf8",
  });
  expect(r.stdout).toBe("EVENTS UNKNOWN: no region: pass --region or set AWS_REGION\n");
  expect(r.stderr).toBe("");
  expect(r.status).toBe(3);
  expect(existsSync(marker)).toBe(false);
});
