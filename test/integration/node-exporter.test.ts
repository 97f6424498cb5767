import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTRIB, installPlugins, monitoredAccount } from "../support/core-fixtures";
import { type FakeAws, startFakeAws } from "../support/fake-aws";
import { stopGroup } from "../support/icinga";
import { freePort } from "../support/sshd";

// contrib/prometheus/aws-checks-textfile writing three checks' --format openmetrics into a textfile
// directory, read by a real node_exporter (Debian prometheus-node-exporter, textfile collector only) on
// 127.0.0.1: what Prometheus would scrape.

const SCRIPT = join(CONTRIB, "prometheus", "aws-checks-textfile");
const NODE_EXPORTER = "/usr/bin/prometheus-node-exporter";
const run = promisify(execFile);

let dir: string;
let textfiles: string;
let plugins: string;
let fake: FakeAws;
let exporter: ChildProcess;
let port: number;

async function textfile(name: string, argv: string[]): Promise<{ code: number; stderr: string }> {
  try {
    const r = await run(SCRIPT, [name, ...argv], { env: { PATH: "/usr/bin:/bin", TEXTFILE_DIR: textfiles, AWS_EC2_METADATA_SERVICE_ENDPOINT: fake.url } });
    return { code: 0, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
}

function scrape(): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/metrics", timeout: 10_000 }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
    req.end();
  });
}

beforeAll(async () => {
  dir = mkdtempSync("/tmp/aws-checks-textfile-");
  textfiles = join(dir, "textfile");
  mkdirSync(textfiles);
  plugins = installPlugins(join(dir, "plugins")).dir;
  fake = await startFakeAws(monitoredAccount());
  port = await freePort();
  exporter = spawn(
    "setsid",
    [NODE_EXPORTER, "--collector.disable-defaults", "--collector.textfile", `--collector.textfile.directory=${textfiles}`, `--web.listen-address=127.0.0.1:${port}`],
    { stdio: "ignore" },
  );
});

afterAll(async () => {
  if (exporter) await stopGroup(exporter);
  await fake?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("aws-checks-textfile and node_exporter's textfile collector", () => {
  it("writes NAME.prom whatever the check's state, and leaves no temporary file", async () => {
    expect(await textfile("score", [join(plugins, "check_serverscore"), "-w", "1:100", "-c", "1:100"])).toEqual({ code: 0, stderr: "" });
    expect(await textfile("events", [join(plugins, "check_instance_events"), "--self"])).toEqual({ code: 0, stderr: "" });
    // No region anywhere: UNKNOWN, still a valid file saying so.
    expect(await textfile("queues", [join(plugins, "check_queue_backlog"), "--queue", "orders"])).toEqual({ code: 0, stderr: "" });
    expect(readdirSync(textfiles).sort()).toEqual(["events.prom", "queues.prom", "score.prom"]);
    expect(readFileSync(join(textfiles, "queues.prom"), "utf8")).toContain('aws_checks_state{command="check_queue_backlog"} 3\n');
  });

  it("a command that gives no exposition leaves the last good file in place", async () => {
    const before = readFileSync(join(textfiles, "score.prom"), "utf8");
    const r = await textfile("score", [join(plugins, "no-such-check")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/gave no OpenMetrics output; .*score\.prom left as it was/);
    expect(readFileSync(join(textfiles, "score.prom"), "utf8")).toBe(before);
    expect(readdirSync(textfiles).sort()).toEqual(["events.prom", "queues.prom", "score.prom"]);
  });

  it("node_exporter serves every file's series, without a scrape error", async () => {
    let body = "";
    for (let i = 0; i < 200 && body === ""; i++) {
      body = await scrape().catch(() => "");
      if (body === "") await new Promise((r) => setTimeout(r, 100));
    }
    expect(body).toMatch(/^node_textfile_scrape_error 0$/m);
    expect(body).toMatch(/^aws_checks_state\{command="check_serverscore"\} 0$/m);
    // The IMDS event is 5 days away: WARNING by default.
    expect(body).toMatch(/^aws_checks_state\{command="check_instance_events"\} 1$/m);
    expect(body).toMatch(/^aws_checks_state\{command="check_queue_backlog"\} 3$/m);
    expect(body).toMatch(/^aws_checks_check_instance_events_next_event_seconds \d+(\.\d+)?(e\+\d+)?$/m);
    expect(body).toMatch(/^aws_checks_check_serverscore_score_critical\{bound="upper"\} 100$/m);
    for (const f of ["events", "queues", "score"]) expect(body).toMatch(new RegExp(`^node_textfile_mtime_seconds\\{file="[^"]*${f}\\.prom"\\} `, "m"));
  });
});
