import { accessSync, constants } from "node:fs";
import { parseElbNames } from "../../src/aws/elb-name";
import { type AwsSettings, parseAwsSettings } from "../../src/aws/settings";
import { list, one, positiveInteger, stateOption } from "../../src/cli";
import type { ParsedArgs } from "../../src/definition";
import { UsageError } from "../../src/errors";
import type { OptionSpec } from "../../src/help";
import { isSafeHost, isSshOption, type SshSettings } from "../../src/ssh";
import { State } from "../../src/state";
import type { Component, Window } from "../serverscore/score";

export type AddressKind = "private-ip" | "public-ip" | "private-dns" | "public-dns";
export const ADDRESS_KINDS: readonly AddressKind[] = ["private-ip", "public-ip", "private-dns", "public-dns"];

/** What fleet mode needs, validated. */
export interface FleetOptions {
  hosts: string[];
  elb?: { name: string; address: AddressKind; aws: AwsSettings };
  ssh: SshSettings;
  /** The remote command as ssh's argv words (ssh joins them for the remote shell). */
  command: string[];
  concurrency: number;
  unreachable: State;
  aggregate: "worst" | "average";
}

const FLEET = "Fleet (over SSH):";
export const DEFAULT_REMOTE_COMMAND = "serverscore --format json";
export const DEFAULT_CONCURRENCY = 16;

export const FLEET_OPTIONS: Record<string, OptionSpec> = {
  host: { type: "string", placeholder: "HOST", repeatable: true, describe: "Run the probe on HOST over SSH", group: FLEET },
  elb: { type: "string", placeholder: "NAME", describe: "Run it on every InService instance of this classic load balancer", group: FLEET },
  address: {
    type: "string",
    placeholder: "KIND",
    describe: "Address of an --elb instance to connect to: private-ip, public-ip, private-dns, public-dns (default private-ip)",
    group: FLEET,
  },
  "ssh-user": { type: "string", placeholder: "USER", describe: "Log in as USER (ssh -l)", group: FLEET },
  "ssh-port": { type: "string", placeholder: "PORT", describe: "SSH port (ssh -p)", group: FLEET },
  "ssh-identity": { type: "string", placeholder: "FILE", describe: "Private key file (ssh -i)", group: FLEET },
  "ssh-option": { type: "string", placeholder: "OPT", repeatable: true, describe: "Passed as ssh -o OPT, e.g. UserKnownHostsFile=/etc/x", group: FLEET },
  "remote-command": {
    type: "string",
    placeholder: "CMD",
    describe: `Command run on each host, must print the probe's JSON (default '${DEFAULT_REMOTE_COMMAND}')`,
    group: FLEET,
  },
  concurrency: { type: "string", placeholder: "N", describe: `Hosts probed at once (default ${DEFAULT_CONCURRENCY})`, group: FLEET },
  unreachable: {
    type: "string",
    placeholder: "STATE",
    describe: "State of a host that cannot be reached or answers nonsense (default critical)",
    group: FLEET,
  },
  aggregate: {
    type: "string",
    placeholder: "worst|average",
    describe: "Judge each host's score (default worst) or the fleet's average score",
    group: FLEET,
  },
};

// Options that only mean something with --host or --elb: given alone, they are a mistake worth naming.
const FLEET_ONLY = ["address", "ssh-user", "ssh-port", "ssh-identity", "ssh-option", "remote-command", "concurrency", "unreachable", "aggregate"];

/** Fleet options when --host or --elb is given, undefined for local mode. */
export function parseFleet(args: ParsedArgs, score: { window?: Window; components?: Component[] }): FleetOptions | undefined {
  const hosts = [...new Set(list(args.host))];
  const elbName = parseElbNames(one(args.elb))[0];
  if (hosts.length === 0 && elbName === undefined) {
    const stray = FLEET_ONLY.find((o) => args[o] !== undefined);
    if (stray !== undefined) throw new UsageError(`--${stray} needs --host or --elb`);
    return undefined;
  }
  for (const host of hosts) {
    if (!isSafeHost(host)) throw new UsageError(`--host: '${host}' is not a host name or IP address`);
  }
  const address = one(args.address) ?? "private-ip";
  if (!ADDRESS_KINDS.includes(address as AddressKind)) {
    throw new UsageError(`--address: expected ${ADDRESS_KINDS.join(", ")}, got '${address}'`);
  }
  if (args.address !== undefined && elbName === undefined) throw new UsageError("--address needs --elb");

  return {
    hosts,
    elb: elbName === undefined ? undefined : { name: elbName, address: address as AddressKind, aws: parseAwsSettings(args) },
    ssh: parseSsh(args),
    command: remoteCommand(args, score),
    concurrency: positiveInteger(args.concurrency, "--concurrency", DEFAULT_CONCURRENCY),
    unreachable: stateOption(args.unreachable, "--unreachable", State.CRITICAL),
    aggregate: parseAggregate(one(args.aggregate)),
  };
}

function parseSsh(args: ParsedArgs): SshSettings {
  const user = one(args["ssh-user"]);
  if (user !== undefined && !/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(user)) {
    throw new UsageError(`--ssh-user: '${user}' is not a user name`);
  }
  const portText = one(args["ssh-port"]);
  let port: number | undefined;
  if (portText !== undefined) {
    port = Number(portText);
    if (!/^\d+$/.test(portText) || port < 1 || port > 65535) throw new UsageError(`--ssh-port: expected 1-65535, got '${portText}'`);
  }
  const identityFile = one(args["ssh-identity"]);
  if (identityFile !== undefined) {
    try {
      accessSync(identityFile, constants.R_OK);
    } catch {
      throw new UsageError(`--ssh-identity: cannot read '${identityFile}'`);
    }
  }
  const options = list(args["ssh-option"]);
  for (const option of options) {
    if (!isSshOption(option)) throw new UsageError(`--ssh-option: expected Key=value as for ssh -o, got '${option}'`);
  }
  return { user, port, identityFile, options };
}

/** The remote command, with --window/--components appended as separate words when given. */
function remoteCommand(args: ParsedArgs, score: { window?: Window; components?: Component[] }): string[] {
  const command = one(args["remote-command"]) ?? DEFAULT_REMOTE_COMMAND;
  if (command.trim() === "") throw new UsageError("--remote-command: empty command");
  const words = [command];
  if (score.window !== undefined) words.push("--window", String(score.window));
  if (score.components !== undefined) words.push("--components", score.components.join(","));
  return words;
}

function parseAggregate(text: string | undefined): "worst" | "average" {
  if (text === undefined || text === "worst" || text === "average") return text ?? "worst";
  throw new UsageError(`--aggregate: expected worst or average, got '${text}'`);
}
