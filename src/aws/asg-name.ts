import { UsageError } from "../errors";

// Auto Scaling group names: 1-255 characters, any printable ones (spaces and slashes included).
const ASG_NAME = /^[^\u0000-\u001f\u007f]{1,255}$/;

/** An `--asg NAME` value, validated; no SDK code is loaded to do it. Use with `value`/`values`. */
export function asgName(name: string, flag: string): string {
  if (!ASG_NAME.test(name)) throw new UsageError(`${flag}: '${name}' is not an Auto Scaling group name (1-255 printable characters)`);
  return name;
}
