import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { binaryPath, ROOT, runFile } from "../support/run-binary";

/**
 * What the tests in test/release/ read: the release `npm test` builds with `npm run release` before
 * vitest starts (building it takes minutes, too long for a test's own setup on a shared machine).
 */
export const RELEASE = join(ROOT, "dist", "release");
export const PACKAGE = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { name: string; version: string };
const V = PACKAGE.version;

/** A platform's release files and what its executable must be: the ELF machine and the loader it names. */
export interface Platform {
  tarball: string;
  /** The glibc builds only. */
  deb?: string;
  arch: "amd64" | "arm64";
  libc: "glibc" | "musl";
  machine: number;
  interpreter: string;
}

export const PLATFORMS: readonly Platform[] = [
  { tarball: `aws-checks_${V}_linux_amd64.tar.gz`, deb: `aws-checks_${V}_amd64.deb`, arch: "amd64", libc: "glibc", machine: 62, interpreter: "/lib64/ld-linux-x86-64.so.2" },
  { tarball: `aws-checks_${V}_linux_arm64.tar.gz`, deb: `aws-checks_${V}_arm64.deb`, arch: "arm64", libc: "glibc", machine: 183, interpreter: "/lib/ld-linux-aarch64.so.1" },
  { tarball: `aws-checks_${V}_linux_amd64_musl.tar.gz`, arch: "amd64", libc: "musl", machine: 62, interpreter: "/lib/ld-musl-x86_64.so.1" },
  { tarball: `aws-checks_${V}_linux_arm64_musl.tar.gz`, arch: "arm64", libc: "musl", machine: 183, interpreter: "/lib/ld-musl-aarch64.so.1" },
];

/** The release file `name`, or a failure saying how to make it (never a skipped test). */
export function releaseFile(name: string): string {
  const path = join(RELEASE, name);
  if (!existsSync(path)) throw new Error(`${path} is missing: npm test runs \`npm run release\` first; run it by hand before vitest`);
  return path;
}

/** The commands, from the host build's own --list (the release reads them from the registry source). */
export function hostCommands(): string[] {
  return execFileSync(binaryPath("aws-checks"), ["--list"], { encoding: "utf8" }).trim().split("\n");
}

export const sha = (algorithm: string, file: string) => createHash(algorithm).update(readFileSync(file)).digest("hex");

/** Unpacks a tarball into a new temp directory and returns it. */
export function unpack(tarball: string, prefix: string): string {
  const dir = mkdtempSync(`/tmp/aws-checks-${prefix}-`);
  execFileSync("tar", ["-xzf", tarball, "-C", dir]);
  return dir;
}

export interface Elf {
  machine: number;
  interpreter?: string;
  sections: Map<string, number>;
}

/** The parts of a 64-bit little-endian ELF file the tests look at: machine, PT_INTERP, section sizes. */
export function readElf(file: string): Elf {
  const b = readFileSync(file);
  if (b.toString("latin1", 0, 4) !== "\x7fELF" || b[4] !== 2 || b[5] !== 1) throw new Error(`${file}: not a 64-bit little-endian ELF file`);
  const machine = b.readUInt16LE(18);
  const phoff = Number(b.readBigUInt64LE(32));
  const shoff = Number(b.readBigUInt64LE(40));
  const [phentsize, phnum, shentsize, shnum, shstrndx] = [54, 56, 58, 60, 62].map((o) => b.readUInt16LE(o));
  let interpreter: string | undefined;
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    if (b.readUInt32LE(ph) !== 3) continue; // PT_INTERP
    const offset = Number(b.readBigUInt64LE(ph + 8));
    const size = Number(b.readBigUInt64LE(ph + 32));
    interpreter = b.toString("latin1", offset, offset + size).replace(/\0+$/, "");
  }
  const names = Number(b.readBigUInt64LE(shoff + shstrndx * shentsize + 24));
  const sections = new Map<string, number>();
  for (let i = 0; i < shnum; i++) {
    const sh = shoff + i * shentsize;
    const at = names + b.readUInt32LE(sh);
    sections.set(b.toString("latin1", at, b.indexOf(0, at)), Number(b.readBigUInt64LE(sh + 32)));
  }
  return { machine, interpreter, sections };
}

/** Runs `file` with exactly `env`; an emulated start-up takes seconds here, hence the long guard. */
export const run = (file: string, args: string[], env: Record<string, string>) => runFile(file, args, env, 90_000);

/** The environment a monitoring core gives a plugin: nothing from the developer's shell. */
export const PLUGIN_ENV = { PATH: "/usr/bin:/bin", HOME: "/nonexistent", AWS_EC2_METADATA_DISABLED: "true" };
