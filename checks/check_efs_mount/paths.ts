import { posix } from "node:path";

/** Undoes the octal escapes mountinfo and fstab use for blanks and backslashes (`\040` is a space). */
export function decodeOctal(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/**
 * The mount point as the kernel lists it: absolute, no `.`/`..`, no trailing slash. Purely textual on
 * purpose: resolving symlinks would stat the path, and a stat on a hung mount never returns.
 */
export function normalizeMountPoint(path: string, cwd = process.cwd()): string {
  return posix.resolve(cwd, path);
}
