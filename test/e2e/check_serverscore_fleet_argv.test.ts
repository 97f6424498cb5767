import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mapBounded } from "../../src/concurrency";
import { connectTimeoutSeconds, isSafeHost, sshArgv, sshFailure, type SshOutcome } from "../../src/ssh";

// In-process: the rules that keep host names from ever becoming ssh options or shell text.

describe("isSafeHost", () => {
  it.each(["web-1", "10.0.0.1", "::1", "fe80::1", "2001:db8::17", "ip-10-0-0-1.ec2.internal", "host.example.com.", "a", "_srv.x"])(
    "accepts %s",
    (host) => expect(isSafeHost(host)).toBe(true),
  );

  it.each([
    "-oProxyCommand=touch /tmp/pwned",
    "-p",
    "-",
    "",
    "web 1",
    "web1;reboot",
    "$(id)",
    "`id`",
    "user@host",
    "a..b",
    "host-",
    "-host",
    "web\n1",
    "fe80::1%$(id)",
    "a'b",
    `${"a".repeat(64)}.com`,
    "x".repeat(254),
  ])("refuses %j", (host) => expect(isSafeHost(host)).toBe(false));

  it("anything it accepts is plain: no leading '-', only name and address characters", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (host) => {
        if (isSafeHost(host)) expect(host).toMatch(/^[A-Za-z0-9_.:%][A-Za-z0-9_.:%-]*$/);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("sshArgv", () => {
  const settings = { user: "nagios", port: 2222, identityFile: "/k", options: ["BatchMode=no", "UserKnownHostsFile=/kh"] };

  it("puts BatchMode and ConnectTimeout before the user's options and the host after --", () => {
    expect(sshArgv(settings, "web-1", 7, ["serverscore --format json", "--window", "15"])).toEqual([
      "-T", "-o", "BatchMode=yes", "-o", "ConnectTimeout=7",
      "-l", "nagios", "-p", "2222", "-i", "/k",
      "-o", "BatchMode=no", "-o", "UserKnownHostsFile=/kh",
      "--", "web-1", "serverscore --format json", "--window", "15",
    ]);
  });

  it("throws rather than pass an unsafe host", () => {
    expect(() => sshArgv(settings, "-oProxyCommand=x", 1, ["true"])).toThrow(/refusing/);
  });

  it("ConnectTimeout comes from the time left, at least 1 s", () => {
    expect(connectTimeoutSeconds(10_000, 1_000)).toBe(9);
    expect(connectTimeoutSeconds(1_500, 1_000)).toBe(1);
    expect(connectTimeoutSeconds(500, 1_000)).toBe(1);
  });
});

describe("sshFailure", () => {
  const failed = (stderr: string, exitCode = 255): SshOutcome => ({ host: "h", exitCode, stdout: "", stderr, killed: false, notStarted: false, ms: 1 });

  it.each([
    ["ssh: connect to host h port 22: Connection refused", "refused"],
    ["awscheckstest@127.0.0.1: Permission denied (publickey).", "auth"],
    ["Connection timed out during banner exchange", "timeout"],
    ["ssh: connect to host h port 22: Connection timed out", "timeout"],
    ["No ED25519 host key is known for [h]:22 and you have requested strict checking.\nHost key verification failed.", "host-key"],
    ["ssh: Could not resolve hostname h: Name or service not known", "resolve"],
    ["kex_exchange_identification: read: Connection reset by peer", "other"],
  ])("%s -> %s", (stderr, kind) => {
    expect(sshFailure(failed(stderr))?.kind).toBe(kind);
  });

  it("a remote command's own exit code is not an ssh failure", () => {
    expect(sshFailure(failed("bash: serverscore: command not found", 127))).toBeUndefined();
  });
});

describe("mapBounded", () => {
  it("keeps order and never runs more than the limit at once", async () => {
    let running = 0;
    let most = 0;
    const out = await mapBounded([5, 1, 4, 2, 3, 0, 6], 3, async (n) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, n * 3));
      running--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0, 60]);
    expect(most).toBe(3);
  });
});
