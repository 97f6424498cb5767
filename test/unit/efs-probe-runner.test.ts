import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { runProbe } from "../../src/probe/child";
import { selfCommand } from "../../src/probe/self";
import { pgrep } from "../support/mounts";
import { lateBy } from "../support/timing";

// The generic child-process runner, with real processes: what it must guarantee is that a child that
// never answers costs at most the timeout and leaves nothing behind.

const sh = (script: string) => ({ file: "/bin/sh", args: ["-c", script] });

describe("runProbe", () => {
  it("returns what the child printed and how it exited", async () => {
    const r = await runProbe(sh("echo '{\"ok\":true}'; exit 3"), { timeoutMs: 5000 });
    expect(r).toMatchObject({ kind: "exited", exitCode: 3, signal: null, stdout: '{"ok":true}\n' });
  });

  it("never lets the child write to our stderr, and caps its output", async () => {
    const r = await runProbe(sh("echo noise >&2; head -c 100000 /dev/zero | tr '\\0' x"), { timeoutMs: 5000, maxBytes: 1000 });
    expect(r.kind).toBe("exited");
    if (r.kind === "exited") expect(r.stdout).toBe("x".repeat(1000));
  });

  it("on timeout kills the whole process group at once, without waiting for it", async () => {
    const tag = `probe-test-${randomBytes(4).toString("hex")}`;
    // A grandchild that ignores SIGTERM, as a stuck helper might: only SIGKILL to the group ends it.
    const script = `trap '' TERM; (exec -a ${tag}-grandchild sleep 30) & exec -a ${tag}-child sleep 30`;
    const r = await runProbe({ file: "/bin/bash", args: ["-c", script] }, { timeoutMs: 300 });
    // SIGKILLed processes vanish once reaped: wait for that, up to 10 s (far short of their 30 s sleep).
    let left = await pgrep(tag);
    for (let i = 0; i < 200 && left.length > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      left = await pgrep(tag);
    }
    for (const pid of left) process.kill(pid, "SIGKILL");
    expect(r.kind).toBe("timeout");
    expect(r.ms).toBeGreaterThanOrEqual(300);
    expect(r.ms).toBeLessThan(lateBy(300)); // not the 30 s sleep
    expect(left).toEqual([]);
  });

  it("an abort (the run's deadline) kills it the same way", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const r = await runProbe(sh("exec sleep 30"), { timeoutMs: 10_000, signal: controller.signal });
    expect(r.kind).toBe("aborted");
    expect(r.ms).toBeLessThan(lateBy(200)); // not the 30 s sleep
  });

  it("a program that cannot start is reported, not thrown", async () => {
    const r = await runProbe({ file: "/nonexistent/probe", args: [] }, { timeoutMs: 1000 });
    expect(r.kind).toBe("spawn-failed");
  });
});

describe("selfCommand", () => {
  it("under the test runner, re-executes the program AWS_CHECKS_BIN names as the multi-call binary", () => {
    expect(selfCommand("__x", ["--a"], { AWS_CHECKS_BIN: "/opt/aws-checks" })).toEqual({
      file: "/opt/aws-checks", args: ["__x", "--a"], argv0: "aws-checks",
    });
    expect(selfCommand("__x", [], { AWS_CHECKS_BIN: "/opt/dist/node/aws-checks.cjs" })).toEqual({
      file: process.execPath, args: ["/opt/dist/node/aws-checks.cjs", "__x"],
    });
    expect(selfCommand("__x", [], {})).toBeUndefined();
  });
});
