/**
 * Runs the fake from a named preset, for benchmarks and manual testing:
 *
 *   npx esbuild test/support/fake-aws/cli.ts --bundle --platform=node --format=cjs --outfile=/tmp/fake-aws.cjs
 *   node /tmp/fake-aws.cjs --preset events-10000 --port 0
 *
 * Prints `READY <url>` on stdout once listening and runs until SIGTERM/SIGINT.
 * Options: --preset NAME (default "small"), --port N (default 0), --host H
 * (default 127.0.0.1), --fault JSON (a FaultSpec injected at start, repeatable,
 * e.g. '{"service":"imds","kind":"hang"}'), --list (print preset names),
 * --stats (print call counts as JSON on stderr at exit), --tls-key FILE and
 * --tls-cert FILE (PEM: serve HTTPS).
 * Control endpoints on the same port: GET/DELETE /__fake/calls,
 * POST (JSON FaultSpec) / DELETE /__fake/faults.
 */
import { readFileSync } from "node:fs";
import { PRESETS, presetScenario } from "./presets";
import { type FaultSpec, startFakeAws } from "./server";

interface CliArgs {
  preset: string;
  port: number;
  host: string;
  list: boolean;
  stats: boolean;
  faults: FaultSpec[];
  tlsKey?: string;
  tlsCert?: string;
}

function parseArgs(argv: string[]): CliArgs {
  const args: CliArgs = { preset: "small", port: 0, host: "127.0.0.1", list: false, stats: false, faults: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const [flag, inline] = a.includes("=") ? (a.split(/=(.*)/s, 2) as [string, string]) : [a, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case "--preset":
        args.preset = value();
        break;
      case "--port": {
        const p = Number(value());
        if (!Number.isInteger(p) || p < 0 || p > 65535) throw new Error(`invalid --port`);
        args.port = p;
        break;
      }
      case "--host":
        args.host = value();
        break;
      case "--fault": {
        const spec = JSON.parse(value()) as FaultSpec;
        if (typeof spec !== "object" || spec === null || typeof spec.kind !== "string") throw new Error("--fault needs a JSON FaultSpec with a kind");
        args.faults.push(spec);
        break;
      }
      case "--list":
        args.list = true;
        break;
      case "--stats":
        args.stats = true;
        break;
      case "--tls-key":
        args.tlsKey = readFileSync(value(), "utf8");
        break;
      case "--tls-cert":
        args.tlsCert = readFileSync(value(), "utf8");
        break;
      default:
        throw new Error(`unknown argument ${a}`);
    }
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.list) {
    process.stdout.write(Object.keys(PRESETS).join("\n") + "\n");
    return;
  }
  if ((args.tlsKey === undefined) !== (args.tlsCert === undefined)) throw new Error("--tls-key and --tls-cert go together");
  const tls = args.tlsKey !== undefined && args.tlsCert !== undefined ? { key: args.tlsKey, cert: args.tlsCert } : undefined;
  const fake = await startFakeAws(presetScenario(args.preset), { port: args.port, host: args.host, tls });
  for (const f of args.faults) fake.inject(f);
  fake.warm();
  process.stdout.write(`READY ${fake.url}\n`);
  let stopping = false;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    if (args.stats) {
      const counts: Record<string, number> = {};
      for (const c of fake.calls) counts[`${c.service}:${c.action}`] = (counts[`${c.service}:${c.action}`] ?? 0) + 1;
      process.stderr.write(JSON.stringify({ total: fake.calls.length, counts }) + "\n");
    }
    void fake.stop().then(() => process.exit(0));
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}

main().catch((err: unknown) => {
  process.stderr.write(`fake-aws: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
