import { list } from "../cli";
import { UsageError } from "../errors";

// Auto Scaling group names: 1-255 characters, any printable ones (spaces and slashes included).
const ASG_NAME = /^[^\u0000-\u001f\u007f]{1,255}$/;

/** The values of a repeatable `--asg NAME` option, validated; no SDK code is loaded to do it. */
export function parseAsgNames(value: unknown, option = "--asg"): string[] {
  const names = [...new Set(list(value))];
  for (const name of names) {
    if (!ASG_NAME.test(name)) throw new UsageError(`${option}: '${name}' is not an Auto Scaling group name (1-255 printable characters)`);
  }
  return names;
}
