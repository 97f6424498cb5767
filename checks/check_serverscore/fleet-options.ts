import { accessSync, constants } from "node:fs";
import { asgName } from "../../src/aws/asg-name";
import { elbName } from "../../src/aws/elb-name";
import { type Elbv2Ref, targetGroupRef } from "../../src/aws/elbv2-name";
import type { AwsSettings } from "../../src/aws/options";
import { UsageError } from "../../src/errors";
import { parseDuration } from "../../src/duration";
import { choice, positiveInteger, state, value, values } from "../../src/options";
import { defaultControlDir, isSafeHost, isSshOption, type SshSettings } from "../../src/ssh";
import { State } from "../../src/state";
import type { Component, Window } from "../serverscore/judge";
import type { AddressKind } from "./source";

const FLEET = "Fleet (over SSH):";
const ADDRESS_KINDS: readonly AddressKind[] = ["private-ip", "public-ip", "private-dns", "public-dns"];

export const FLEET_OPTIONS = {
  host: values({ placeholder: "HOST", help: "Run the probe on HOST over SSH", group: FLEET }, (host, flagName) => {
    if (!isSafeHost(host)) throw new UsageError(`${flagName}: '${host}' is not a host name or IP address`);
    return host;
  }),
  elb: value({ placeholder: "NAME", help: "Run it on every InService instance of this classic load balancer", group: FLEET }, elbName),
  targetGroup: value({ placeholder: "NAME|ARN", help: "Run it on every healthy target of this ALB/NLB/GWLB target group (ip targets at that IP)", group: FLEET }, targetGroupRef),
  asg: values({ placeholder: "NAME", help: "Run it on every InService instance of this Auto Scaling group", group: FLEET }, asgName),
  address: choice(
    {
      placeholder: "KIND",
      help: "Address of an --elb, --target-group or --asg instance to connect to: private-ip, public-ip, private-dns, public-dns (default private-ip)",
      group: FLEET,
    },
    ADDRESS_KINDS,
  ),
  sshUser: value({ placeholder: "USER", help: "Log in as USER (ssh -l)", group: FLEET }, (user, flagName) => {
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(user)) throw new UsageError(`${flagName}: '${user}' is not a user name`);
    return user;
  }),
  sshPort: value({ placeholder: "PORT", help: "SSH port (ssh -p)", group: FLEET }, (t, flagName) => {
    if (!/^\d+$/.test(t) || Number(t) < 1 || Number(t) > 65535) throw new UsageError(`${flagName}: expected 1-65535, got '${t}'`);
    return Number(t);
  }),
  sshIdentity: value({ placeholder: "FILE", help: "Private key file (ssh -i)", group: FLEET }, (file, flagName) => {
    try {
      accessSync(file, constants.R_OK);
    } catch {
      throw new UsageError(`${flagName}: cannot read '${file}'`);
    }
    return file;
  }),
  sshOption: values({ placeholder: "OPT", help: "Passed as ssh -o OPT, e.g. UserKnownHostsFile=/etc/x", group: FLEET }, (option, flagName) => {
    if (!isSshOption(option)) throw new UsageError(`${flagName}: expected Key=value as for ssh -o, got '${option}'`);
    return option;
  }),
  sshReuse: value(
    { placeholder: "DURATION", help: "Keep one SSH master connection per host for DURATION after the run (bare number = seconds), so the next run skips the handshake", group: FLEET },
    (t, flagName) => {
      const seconds = parseDuration(t, "s", flagName);
      if (seconds <= 0) throw new UsageError(`${flagName}: expected a duration above 0, got '${t}'`);
      return seconds;
    },
  ),
  sshControlDir: value(
    { placeholder: "DIR", help: "Private (0700) folder for --ssh-reuse's control sockets (default $XDG_RUNTIME_DIR/aws-checks-ssh, else /tmp/aws-checks-ssh-UID)", group: FLEET },
    (dir, flagName) => {
      // ssh reads ControlPath as a config value (no spaces, % starts a token), and a Unix socket path
      // holds 107 bytes: the folder, a slash and %C's 40 characters must fit.
      if (!dir.startsWith("/")) throw new UsageError(`${flagName}: expected an absolute path, got '${dir}'`);
      if (/[\s%"'\\]/.test(dir)) throw new UsageError(`${flagName}: '${dir}' holds a space, quote, backslash or %, which ssh's ControlPath cannot take`);
      if (Buffer.byteLength(dir) > 64) throw new UsageError(`${flagName}: '${dir}' is too long for a socket path (at most 64 bytes)`);
      return dir.replace(/\/+$/, "") || "/";
    },
  ),
  remoteCommand: value({ placeholder: "CMD", default: "serverscore --format json", help: "Command run on each host, must print the probe's JSON", group: FLEET }, (t, flagName) => {
    if (t.trim() === "") throw new UsageError(`${flagName}: empty command`);
    return t;
  }),
  concurrency: positiveInteger({ placeholder: "N", default: "16", help: "Hosts probed at once", group: FLEET }),
  unreachable: state({ default: "critical", help: "State of a host that cannot be reached or answers nonsense", group: FLEET }),
  aggregate: value({ placeholder: "worst|average", default: "worst", help: "Judge each host's score (worst) or the fleet's average score", group: FLEET }, (t, flagName) => {
    if (t !== "worst" && t !== "average") throw new UsageError(`${flagName}: expected worst or average, got '${t}'`);
    return t;
  }),
};

/** What fleet mode needs, validated. */
export interface FleetOptions {
  hosts: string[];
  elb?: { name: string; address: AddressKind; aws: AwsSettings };
  asg?: { names: string[]; address: AddressKind; aws: AwsSettings };
  targetGroup?: { ref: Elbv2Ref; address: AddressKind; aws: AwsSettings };
  ssh: SshSettings;
  /** The remote command as ssh's argv words (ssh joins them for the remote shell). */
  command: string[];
  concurrency: number;
  unreachable: State;
  aggregate: "worst" | "average";
}

type FleetValues = {
  host: string[];
  elb?: string;
  asg: string[];
  targetGroup?: Elbv2Ref;
  address?: AddressKind;
  sshUser?: string;
  sshPort?: number;
  sshIdentity?: string;
  sshOption: string[];
  sshReuse?: number;
  sshControlDir?: string;
  remoteCommand: string;
  concurrency: number;
  unreachable: State;
  aggregate: "worst" | "average";
};

/** Whether hosts are found through AWS (--elb, --target-group, --asg), which needs the AWS options. */
export function fromAws(o: Pick<FleetValues, "elb" | "targetGroup" | "asg">): boolean {
  return o.elb !== undefined || o.targetGroup !== undefined || o.asg.length > 0;
}

/** Options that only mean something with --host, --elb, --target-group or --asg: given alone, they are a mistake worth naming. */
export function checkFleetOptions(o: FleetValues, given: ReadonlySet<string>): void {
  if (o.sshControlDir !== undefined && o.sshReuse === undefined) throw new UsageError("--ssh-control-dir needs --ssh-reuse");
  if (o.host.length > 0 || fromAws(o)) {
    if (o.address !== undefined && !fromAws(o)) throw new UsageError("--address needs --elb, --target-group or --asg");
    return;
  }
  const stray = ["address", "ssh-user", "ssh-port", "ssh-identity", "ssh-option", "ssh-reuse", "remote-command", "concurrency", "unreachable", "aggregate"].find((name) => given.has(name));
  if (stray !== undefined) throw new UsageError(`--${stray} needs --host, --elb, --target-group or --asg`);
}

/** Fleet options when --host, --elb, --target-group or --asg is given, undefined for local mode. */
export function fleetOptions(
  o: FleetValues,
  aws: AwsSettings,
  score: { window?: Window; components?: Component[] },
  env: Readonly<Record<string, string | undefined>>,
): FleetOptions | undefined {
  if (o.host.length === 0 && !fromAws(o)) return undefined;
  // --window/--components are passed on as separate words only when given: the probe keeps its defaults.
  const command = [o.remoteCommand];
  if (score.window !== undefined) command.push("--window", String(score.window));
  if (score.components !== undefined) command.push("--components", score.components.join(","));
  return {
    hosts: o.host,
    elb: o.elb === undefined ? undefined : { name: o.elb, address: o.address ?? "private-ip", aws },
    asg: o.asg.length === 0 ? undefined : { names: o.asg, address: o.address ?? "private-ip", aws },
    targetGroup: o.targetGroup === undefined ? undefined : { ref: o.targetGroup, address: o.address ?? "private-ip", aws },
    ssh: {
      user: o.sshUser,
      port: o.sshPort,
      identityFile: o.sshIdentity,
      options: o.sshOption,
      reuse:
        o.sshReuse === undefined
          ? undefined
          : { persistSeconds: o.sshReuse, controlDir: o.sshControlDir ?? defaultControlDir(env, process.getuid?.() ?? 0) },
    },
    command,
    concurrency: o.concurrency,
    unreachable: o.unreachable,
    aggregate: o.aggregate,
  };
}

