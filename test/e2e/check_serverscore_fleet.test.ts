import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { firstLine, perfdata, runBinary } from "../support/run-binary";
import { freePort, startSshd, TEST_USER, type TestSshd } from "../support/sshd";
import { lateBy } from "../support/timing";

// check_serverscore --host against a real sshd on 127.0.0.1, with the built serverscore as the probe.

let sshd: TestSshd;
let probe: string;

function fleet(args: string[], opts: { env?: Record<string, string>; killAfterMs?: number; ssh?: string[] } = {}) {
  return runBinary("check_serverscore", [...(opts.ssh ?? sshd.sshArgs()), ...args], { env: opts.env, killAfterMs: opts.killAfterMs });
}

// The score depends on this machine's load at the time; thresholds every score (1..100) passes make
// the state depend on reaching the hosts only.
const PASS_ALL = ["-w", "1:", "-c", "1:"];

/** Remote command that prints, on its n-th run, line n of `answers` (a fake probe with fixed scores). */
function scriptedProbe(name: string, answers: string[]): string {
  const dir = join(sshd.scratch, name);
  mkdirSync(dir);
  writeFileSync(join(dir, "answers"), `${answers.join("\n")}\n`);
  execFileSync("chown", ["-R", `${TEST_USER}:`, dir]);
  return `sh ${sshd.scratch}/answer.sh ${dir}`;
}

const json = (score: number) =>
  JSON.stringify({ score, window: 5, load1: 0, load5: 0, load15: 0, cpus: 2, load_per_cpu: 0.1, components: { load: score }, limiting: "load" });

/** ssh processes started with this test's known_hosts file still running (there should be none). */
function leftoverSsh(): string[] {
  const found: string[] = [];
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      if (argv[0] === "ssh" && argv.some((a) => a.includes(sshd.knownHosts))) found.push(`${pid}: ${argv.join(" ")}`);
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

beforeAll(async () => {
  sshd = await startSshd();
  probe = `${sshd.bin}/serverscore --format json`;
  writeFileSync(
    join(sshd.scratch, "answer.sh"),
    'd=$1; n=$(cat "$d/n" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "$d/n"; sed -n "${n}p" "$d/answers"\n',
  );
});
afterAll(async () => {
  await sshd?.stop();
});

describe("check_serverscore --host over a real sshd", () => {
  it("ok-two-hosts: each host is scored by the built probe, with one perfdata item per host", async () => {
    const r = await fleet(["--host", "127.0.0.1", "--host", "localhost", "--remote-command", probe, ...PASS_ALL]);
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    expect(firstLine(r.stdout)).toMatch(/^SERVERSCORE OK: 2 hosts, min score \d+ \((127\.0\.0\.1|localhost)\), avg \d+(\.\d)?$/);
    expect(r.stdout).toMatch(/^\[OK\] 127\.0\.0\.1: score \d+, limited by load \(\d+(\.\d+)? load per CPU over 5 min\)$/m);
    expect(r.stdout).toMatch(/^\[OK\] localhost: score \d+, limited by load/m);
    const perf = perfdata(r.stdout);
    expect(perf.get("hosts")).toBe("2;;;0");
    expect(perf.get("unreachable")).toBe("0;;;0");
    expect(perf.get("127.0.0.1.score")).toMatch(/^\d+;1:;1:;1;100$/);
    expect(perf.get("localhost.score")).toMatch(/^\d+;1:;1:;1;100$/);
    const scores = [perf.get("127.0.0.1.score"), perf.get("localhost.score")].map((v) => Number(v?.split(";")[0]));
    expect(perf.get("min_score")).toBe(`${Math.min(...scores)};1:;1:;1;100`);
    expect(r.stdout.split("|")).toHaveLength(2);
  });

  it("ok-json: --format json names each host and its score", async () => {
    const r = await fleet(["--host", "127.0.0.1", "--remote-command", probe, ...PASS_ALL, "--format", "json"]);
    expect(r.exitCode).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.state).toBe("OK");
    expect(out.findings).toEqual([expect.objectContaining({ state: "OK", host: "127.0.0.1", score: expect.any(Number) })]);
  });

  it("ok-window-components: --window and --components reach the remote probe", async () => {
    const r = await fleet(["--host", "127.0.0.1", "--remote-command", probe, "--window", "15", "--components", "load,mem,swap", ...PASS_ALL]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^\[OK\] 127\.0\.0\.1: score \d+, limited by (load|mem|swap) \(load \d+, mem \d+, swap \d+; [\d.]+ load per CPU over 15 min\)/m);
  });

  it("state follows -w/-c on each host's score (default -w 50: -c 25:)", async () => {
    const r = await fleet(["--host", "127.0.0.1", "--remote-command", scriptedProbe("thresholds", [json(40), json(20)])]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/^\[WARNING\] 127\.0\.0\.1: score 40, limited by load/m);
    expect(perfdata(r.stdout).get("127.0.0.1.score")).toBe("40;50:;25:;1;100");
    const again = await fleet(["--host", "127.0.0.1", "--remote-command", scriptedProbe("thresholds2", [json(20)])]);
    expect(again.exitCode).toBe(2);
    expect(firstLine(again.stdout)).toBe("SERVERSCORE CRITICAL: 1 host, min score 20 (127.0.0.1), avg 20");
  });
});

describe("hosts that give no score", () => {
  it("crit-closed-port: connection refused is CRITICAL by default", async () => {
    const closed = await freePort();
    const r = await fleet(["--host", "127.0.0.1", "--ssh-port", String(closed), "--remote-command", probe]);
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(2);
    expect(firstLine(r.stdout)).toBe("SERVERSCORE CRITICAL: none of 1 host answered");
    expect(r.stdout).toContain(`[CRITICAL] 127.0.0.1: connection refused: ssh: connect to host 127.0.0.1 port ${closed}: Connection refused`);
    const perf = perfdata(r.stdout);
    expect(perf.get("hosts")).toBe("1;;;0");
    expect(perf.get("unreachable")).toBe("1;;;0");
    expect(perf.has("min_score")).toBe(false);
  });

  it("warn-closed-port: --unreachable warning makes it WARNING", async () => {
    const closed = await freePort();
    const r = await fleet(["--host", "127.0.0.1", "--ssh-port", String(closed), "--remote-command", probe, "--unreachable", "warning"]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/^\[WARNING\] 127\.0\.0\.1: connection refused/m);
  });

  it("crit-mixed: one refused host among reachable ones; the others are still scored", async () => {
    const r = await fleet(["--host", "127.0.0.1", "--host", "::1", "--remote-command", probe, ...PASS_ALL]);
    expect(r.exitCode).toBe(2);
    expect(firstLine(r.stdout)).toMatch(/^SERVERSCORE CRITICAL: 1 of 2 hosts, min score \d+ \(127\.0\.0\.1\), avg \d+; 1 unreachable$/);
    expect(r.stdout).toMatch(/^\[CRITICAL\] ::1: connection refused/m);
    expect(r.stdout).toMatch(/^\[OK\] 127\.0\.0\.1: score \d+/m);
    const perf = perfdata(r.stdout);
    expect(perf.get("unreachable")).toBe("1;;;0");
    expect(perf.has("127.0.0.1.score")).toBe(true);
    expect([...perf.keys()].some((k) => k.startsWith("__1"))).toBe(false);
  });

  it("crit-wrong-key: a refused key is named as such", async () => {
    const r = await fleet(["--host", "127.0.0.1", "--ssh-identity", sshd.wrongIdentity, "--remote-command", probe]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toMatch(/^\[CRITICAL\] 127\.0\.0\.1: key refused: .*Permission denied \(publickey\)/m);
  });

  it("crit-host-key: an unknown host key fails verification and is named as such", async () => {
    const otherKnownHosts = join(sshd.dir, "other_known_hosts");
    writeFileSync(otherKnownHosts, `[127.0.0.1]:${sshd.port} ${readFileSync(`${sshd.identity}.pub`, "utf8").split(" ").slice(0, 2).join(" ")}\n`);
    const ssh = ["--ssh-user", TEST_USER, "--ssh-port", String(sshd.port), "--ssh-identity", sshd.identity,
      "--ssh-option", `UserKnownHostsFile=${otherKnownHosts}`, "--ssh-option", "StrictHostKeyChecking=yes"];
    const r = await fleet(["--host", "127.0.0.1", "--remote-command", probe], { ssh });
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toMatch(/^\[CRITICAL\] 127\.0\.0\.1: host key verification failed/m);
  });

  it("crit-not-json: a remote command that prints nonsense is not a score", async () => {
    const r = await fleet(["--host", "127.0.0.1", "--remote-command", "echo hello"]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toContain("[CRITICAL] 127.0.0.1: answer is not the probe's JSON: 'hello'");
    const out = JSON.parse((await fleet(["--host", "127.0.0.1", "--remote-command", "echo '{\"score\": 500}'", "--format", "json"])).stdout);
    expect(out.findings[0]).toMatchObject({ state: "CRITICAL", problem: "not-json" });
  });

  it("crit-probe-missing: a remote command that fails says how", async () => {
    const r = await fleet(["--host", "127.0.0.1", "--remote-command", "/nonexistent/serverscore --format json"]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toMatch(/^\[CRITICAL\] 127\.0\.0\.1: remote command failed \(exit 127\): .*not found/m);
  });

  it("crit-silent-server: a server that accepts and never speaks gives its state within -t", async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const r = await fleet(["--host", "127.0.0.1", "--ssh-port", String(port), "--remote-command", probe, "-t", "3"]);
      expect(r.exitCode).toBe(2);
      expect(r.stdout).toMatch(/^\[CRITICAL\] 127\.0\.0\.1: timed out/m);
      expect(r.ms).toBeLessThan(lateBy(3000)); // the silent server would hold it until killed
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });

  it("crit-hung-command: ssh is killed at the deadline, the host is reported and no ssh is left behind", async () => {
    const r = await fleet(["--host", "127.0.0.1", "--host", "localhost", "--remote-command", "sleep 30", "-t", "2"]);
    expect(r.exitCode).toBe(2);
    expect(r.ms).toBeLessThan(lateBy(2000)); // not the 30 s the remote command sleeps
    expect(r.stdout).toMatch(/^\[CRITICAL\] 127\.0\.0\.1: timed out: no answer within the 2s deadline/m);
    expect(r.stdout).toMatch(/^\[CRITICAL\] localhost: timed out/m);
    expect(leftoverSsh()).toEqual([]);
  });
});

describe("host names never become ssh options", () => {
  it.each([
    ["--host", "-oProxyCommand=touch PWNED"],
    ["--host=-oProxyCommand=touch PWNED"],
    ["--host", "127.0.0.1;touch PWNED"],
    ["--host", "$(touch PWNED)"],
    ["--host", "web 1"],
  ])("unknown-hostile-host %s %s: refused as a usage error, nothing run", async (...args) => {
    const pwned = join(sshd.dir, "pwned");
    const argv = args.map((a) => a.replace("PWNED", pwned));
    const r = await fleet(["--host", "127.0.0.1", ...argv, "--remote-command", probe]);
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toMatch(/^SERVERSCORE UNKNOWN: --host: '.*' is not a host name or IP address\n$/);
    expect(existsSync(pwned)).toBe(false);
  });

  it.each([
    [["--ssh-user", "nagios"], "--ssh-user needs --host, --elb, --target-group or --asg"],
    [["--host", "h", "--ssh-option", "-oProxyCommand=x"], "--ssh-option: expected Key=value"],
    [["--host", "h", "--ssh-user", "-oProxyCommand=x"], "--ssh-user: '-oProxyCommand=x' is not a user name"],
    [["--host", "h", "--ssh-port", "70000"], "--ssh-port: expected 1-65535"],
    [["--host", "h", "--concurrency", "0"], "--concurrency: expected a positive number"],
    [["--host", "h", "--unreachable", "maybe"], "--unreachable: expected ok, warning, critical or unknown"],
    [["--host", "h", "--aggregate", "median"], "--aggregate: expected worst or average"],
    [["--host", "h", "--address", "public-ip"], "--address needs --elb, --target-group or --asg"],
    [["--host", "h", "--ssh-identity", "/nonexistent/key"], "--ssh-identity: cannot read"],
  ])("unknown-usage %j", async (args, message) => {
    const r = await runBinary("check_serverscore", args);
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toContain(`SERVERSCORE UNKNOWN: ${message}`);
  });
});

describe("--aggregate", () => {
  const hosts = ["--host", "web-1", "--host", "web-2", "--host", "web-3"];
  // Every name reaches the one sshd; the host key is looked up under 127.0.0.1.
  const alias = ["--ssh-option", "HostName=127.0.0.1", "--concurrency", "1"];

  it("crit-worst: the worst host decides; perfdata lists hosts worst first", async () => {
    const r = await fleet([...hosts, ...alias, "--remote-command", scriptedProbe("worst", [json(90), json(10), json(50)])]);
    expect(r.exitCode).toBe(2);
    expect(firstLine(r.stdout)).toBe("SERVERSCORE CRITICAL: 3 hosts, min score 10 (web-2), avg 50");
    const lines = r.stdout.split("\n");
    expect(lines[1]).toBe("[CRITICAL] web-2: score 10, limited by load (0.1 load per CPU over 5 min)");
    expect(lines[2]).toMatch(/^\[OK\] web-(1|3): score (90|50)/);
    const perfText = r.stdout.slice(r.stdout.indexOf("|") + 1).trim();
    expect(perfText).toBe(
      "hosts=3;;;0 unreachable=0;;;0 min_score=10;50:;25:;1;100 avg_score=50;;;1;100 " +
        "web-2.score=10;50:;25:;1;100 web-3.score=50;50:;25:;1;100 web-1.score=90;50:;25:;1;100",
    );
  });

  it("ok-average: the same fleet judged by its average score (50) is OK", async () => {
    const r = await fleet([...hosts, ...alias, "--aggregate", "average", "--remote-command", scriptedProbe("avg", [json(90), json(10), json(50)])]);
    expect(r.exitCode).toBe(0);
    expect(firstLine(r.stdout)).toBe("SERVERSCORE OK: average score 50 over 3 hosts (min 10 on web-2)");
    const perf = perfdata(r.stdout);
    expect(perf.get("avg_score")).toBe("50;50:;25:;1;100");
    expect(perf.get("web-2.score")).toBe("10;;;1;100");
  });

  it("warn-average: an average below -w warns", async () => {
    const r = await fleet([...hosts, ...alias, "--aggregate", "average", "-w", "60:", "--remote-command", scriptedProbe("avg-w", [json(90), json(10), json(50)])]);
    expect(r.exitCode).toBe(1);
    expect(firstLine(r.stdout)).toBe("SERVERSCORE WARNING: average score 50 over 3 hosts (min 10 on web-2)");
  });

  it("average: unreachable hosts are still reported by --unreachable", async () => {
    const answers = [json(90), json(70), "nonsense"];
    const r = await fleet([...hosts, ...alias, "--aggregate", "average", "--unreachable", "warning", "--remote-command", scriptedProbe("avg-u", answers)]);
    expect(r.exitCode).toBe(1);
    expect(firstLine(r.stdout)).toBe("SERVERSCORE WARNING: average score 80 over 2 of 3 hosts (min 70 on web-2); 1 unreachable");
    expect(r.stdout).toContain("[WARNING] web-3: answer is not the probe's JSON: 'nonsense'");
    expect(perfdata(r.stdout).get("unreachable")).toBe("1;;;0");
  });
});

describe("--concurrency", () => {
  it("20 hosts at --concurrency 4: never more than 4 ssh at once, and 4 are used", async () => {
    // A wrapper first on PATH logs when each ssh starts and ends, then runs the real one.
    const wrap = join(sshd.dir, "wrap");
    mkdirSync(wrap);
    const log = join(wrap, "log");
    writeFileSync(join(wrap, "ssh"), `#!/bin/sh\necho "s $(date +%s%N)" >> ${log}\n/usr/bin/ssh "$@"\nrc=$?\necho "e $(date +%s%N)" >> ${log}\nexit $rc\n`);
    chmodSync(join(wrap, "ssh"), 0o755);
    const hosts = Array.from({ length: 20 }, (_, i) => ["--host", `node-${i + 1}`]).flat();
    const r = await fleet(
      [...hosts, "--ssh-option", "HostName=127.0.0.1", "--concurrency", "4", "--remote-command", `sleep 0.2; ${probe}`, ...PASS_ALL, "-t", "25"],
      { env: { PATH: `${wrap}:/usr/bin:/bin` }, killAfterMs: 30_000 },
    );
    expect(r.exitCode).toBe(0);
    expect(firstLine(r.stdout)).toMatch(/^SERVERSCORE OK: 20 hosts, /);
    const events = readFileSync(log, "utf8").trim().split("\n").map((l) => l.split(" ")).map(([k, t]) => ({ k, t: BigInt(t) }));
    expect(events.filter((e) => e.k === "s")).toHaveLength(20);
    // At equal times count the end first: a lane starts its next host only after the last one ended.
    events.sort((a, b) => (a.t === b.t ? (a.k === "e" ? -1 : 1) : a.t < b.t ? -1 : 1));
    let running = 0;
    let most = 0;
    for (const e of events) {
      running += e.k === "s" ? 1 : -1;
      most = Math.max(most, running);
    }
    expect(most).toBe(4);
  });
});
