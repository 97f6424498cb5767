import { list } from "../cli";
import { UsageError } from "../errors";

// Classic ELB names: 1-32 letters, digits and hyphens, neither first nor last a hyphen.
const ELB_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/;

/** The values of a repeatable `--elb NAME` option, validated; no SDK code is loaded to do it. */
export function parseElbNames(value: unknown, option = "--elb"): string[] {
  const names = [...new Set(list(value))];
  for (const name of names) {
    if (!ELB_NAME.test(name)) throw new UsageError(`${option}: '${name}' is not a classic load balancer name (1-32 letters, digits, hyphens)`);
  }
  return names;
}
