import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const AUTH = "AWS4-HMAC-SHA256 Credential=AKIDTEST/20300101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=0";

describe("cli.ts bundled with esbuild (as the benchmarks do)", () => {
  let dir: string;
  let bundle: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "fake-aws-cli-"));
    bundle = join(dir, "fake-aws.cjs");
    await build({
      entryPoints: [fileURLToPath(new URL("./cli.ts", import.meta.url))],
      bundle: true,
      platform: "node",
      format: "cjs",
      outfile: bundle,
      logLevel: "silent",
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function run(preset: string, fn: (url: string) => Promise<void>, extra: string[] = []): Promise<number | null> {
    const child = spawn(process.execPath, [bundle, "--preset", preset, "--port", "0", ...extra], { stdio: ["ignore", "pipe", "pipe"] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let buf = "";
        child.stdout.on("data", (d: Buffer) => {
          buf += d.toString();
          const m = /^READY (\S+)$/m.exec(buf);
          if (m) resolve(m[1] as string);
        });
        child.on("exit", (code) => reject(new Error(`exited ${code} before READY`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      await fn(url);
    } finally {
      child.kill("SIGTERM");
    }
    return new Promise((resolve) => child.on("exit", (code) => resolve(code)));
  }

  it("serves the events-10000 preset, counts calls, exits 0 on SIGTERM", async () => {
    const code = await run("events-10000", async (url) => {
      const res = await fetch(url, {
        method: "POST",
        headers: { authorization: AUTH, "content-type": "application/x-www-form-urlencoded" },
        body: "Action=DescribeInstanceStatus&Version=2016-11-15&MaxResults=1000&Filter.1.Name=event.code&Filter.1.Value.1=system-reboot",
      });
      const xml = await res.text();
      expect(res.status).toBe(200);
      expect(xml.match(/<instanceId>/g)).toHaveLength(1000);
      expect(xml).not.toContain("<nextToken>");
      const stats = (await (await fetch(`${url}/__fake/calls`)).json()) as { total: number };
      expect(stats.total).toBe(1);
    });
    expect(code).toBe(0);
  });

  it("injects --fault specs at start", async () => {
    const code = await run(
      "small",
      async (url) => {
        const res = await fetch(url, {
          method: "POST",
          headers: { authorization: AUTH, "content-type": "application/x-www-form-urlencoded" },
          body: "Action=DescribeRegions&Version=2016-11-15",
        });
        expect(res.status).toBe(503);
        expect(await res.text()).toContain("<Code>RequestLimitExceeded</Code>");
      },
      ["--fault", JSON.stringify({ service: "ec2", kind: "throttle" })],
    );
    expect(code).toBe(0);
  });

  it("rejects an unknown preset", async () => {
    const child = spawn(process.execPath, [bundle, "--preset", "nope"], { stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const code = await new Promise((resolve) => child.on("exit", resolve));
    expect(code).toBe(2);
    expect(err).toContain("unknown preset 'nope'");
  });
});
