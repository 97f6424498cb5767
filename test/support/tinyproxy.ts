import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./sshd";

/** A real tinyproxy (Debian package `tinyproxy`) on 127.0.0.1, with its own config and log in a temp dir. */
export interface Tinyproxy {
  /** `http://127.0.0.1:PORT`, without credentials. */
  readonly url: string;
  readonly port: number;
  /** `http://user:password@127.0.0.1:PORT` when started with basic auth. */
  readonly authUrl: string;
  /** Everything logged since start or the last `mark()`. */
  logSinceMark(): string;
  /** The targets of the CONNECT requests logged since the last `mark()`, e.g. `127.0.0.1:4433`. */
  connectsSinceMark(): string[];
  /** Every request line logged since the last `mark()`, e.g. `CONNECT 127.0.0.1:4433 HTTP/1.1`. */
  requestsSinceMark(): string[];
  mark(): void;
  stop(): Promise<void>;
}

export interface TinyproxyOptions {
  basicAuth?: { user: string; password: string };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ port, host: "127.0.0.1" });
    sock.once("connect", () => {
      sock.destroy();
      resolve(true);
    });
    sock.once("error", () => resolve(false));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function launch(dir: string, port: number, opts: TinyproxyOptions): Promise<ChildProcess | undefined> {
  const log = join(dir, "tinyproxy.log");
  const conf = join(dir, "tinyproxy.conf");
  writeFileSync(
    conf,
    [
      `Port ${port}`,
      "Listen 127.0.0.1",
      "Timeout 10",
      `LogFile "${log}"`,
      // Connect level logs each request line, CONNECTs included.
      "LogLevel Connect",
      "MaxClients 50",
      "Allow 127.0.0.1",
      ...(opts.basicAuth ? [`BasicAuth ${opts.basicAuth.user} ${opts.basicAuth.password}`] : []),
      "",
    ].join("\n"),
  );
  const child = spawn("tinyproxy", ["-d", "-c", conf], { stdio: "ignore" });
  let exited = false;
  child.once("exit", () => (exited = true));
  child.once("error", () => (exited = true));
  // Started when the port accepts connections; gone when the port was taken meanwhile.
  for (let i = 0; i < 200 && !exited; i++) {
    if (await accepts(port)) return child;
    await sleep(25);
  }
  child.kill("SIGKILL");
  return undefined;
}

export async function startTinyproxy(opts: TinyproxyOptions = {}): Promise<Tinyproxy> {
  const dir = mkdtempSync(join(tmpdir(), "aws-checks-tinyproxy-"));
  let child: ChildProcess | undefined;
  let port = 0;
  // tinyproxy cannot listen on port 0: a port the kernel gave out and took back, again if taken meanwhile.
  for (let attempt = 0; attempt < 5 && child === undefined; attempt++) {
    port = await freePort();
    child = await launch(dir, port, opts);
  }
  if (child === undefined) throw new Error(`tinyproxy did not start (config and log in ${dir})`);
  const proc = child;
  const logFile = join(dir, "tinyproxy.log");
  const read = () => {
    try {
      return readFileSync(logFile, "utf8");
    } catch {
      return "";
    }
  };
  let offset = read().length;
  const since = () => read().slice(offset);
  const requests = () => [...since().matchAll(/Request \(file descriptor \d+\): (.+)$/gm)].map((m) => m[1].trim());
  const url = `http://127.0.0.1:${port}`;
  const auth = opts.basicAuth;
  return {
    url,
    port,
    authUrl: auth ? `http://${encodeURIComponent(auth.user)}:${encodeURIComponent(auth.password)}@127.0.0.1:${port}` : url,
    logSinceMark: since,
    requestsSinceMark: requests,
    connectsSinceMark: () => requests().flatMap((r) => /^CONNECT (\S+) /.exec(r)?.[1] ?? []),
    mark: () => {
      offset = read().length;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        };
        if (proc.exitCode !== null || proc.signalCode !== null) return done();
        proc.once("exit", done);
        proc.kill("SIGTERM");
      }),
  };
}
