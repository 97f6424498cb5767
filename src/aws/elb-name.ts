import { UsageError } from "../errors";

// Classic ELB names: 1-32 letters, digits and hyphens, neither first nor last a hyphen.
const ELB_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/;

/** An `--elb NAME` value, validated; no SDK code is loaded to do it. Use with `value`/`values`. */
export function elbName(name: string, flag: string): string {
  if (!ELB_NAME.test(name)) throw new UsageError(`${flag}: '${name}' is not a classic load balancer name (1-32 letters, digits, hyphens)`);
  return name;
}
