// The Bun runtimes a release is compiled onto, pinned by package-lock.json.
//
// `bun build --compile --target=…` would download the runtime of another platform from the internet.
// Bun publishes each runtime as an npm package (@oven/bun-linux-aarch64, …), and package-lock.json holds
// their integrity as optional dependencies of `bun`. npm ci installs only the one for this host (the
// others fail its os/cpu/libc check and are skipped, as they should be), so the others are fetched
// here with `npm pack` (npm's cache first, then the registry) and kept only when their sha512 is the
// one package-lock.json pins. After that a release needs no network.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./paths.mjs";

const CACHE = join(ROOT, "node_modules", ".cache", "aws-checks-runtimes");

function pinned(pkg) {
  const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8"));
  const entry = lock.packages[`node_modules/${pkg}`];
  const bun = lock.packages["node_modules/bun"];
  if (!entry?.integrity?.startsWith("sha512-")) throw new Error(`package-lock.json pins no sha512 for ${pkg}`);
  // The compiler and the runtime it appends the program to must be the same Bun.
  if (entry.version !== bun.version) throw new Error(`${pkg} ${entry.version} is not bun ${bun.version}`);
  return { version: entry.version, integrity: entry.integrity };
}

/** Where the runtime `pkg` is unpacked; its executable is `bin/bun` in there. */
function folder(pkg, version) {
  return join(CACHE, `${pkg.replace("/", "+")}-${version}`);
}

/**
 * Path of `bin/bun` of the runtime package `pkg` (e.g. "@oven/bun-linux-aarch64"), fetched and verified
 * against package-lock.json when not unpacked yet.
 */
export function runtimeExecutable(pkg) {
  const { version, integrity } = pinned(pkg);
  const dir = folder(pkg, version);
  const bun = join(dir, "bin", "bun");
  const stamp = join(dir, ".integrity");
  if (existsSync(bun) && existsSync(stamp) && readFileSync(stamp, "utf8") === integrity) return bun;

  mkdirSync(CACHE, { recursive: true });
  const work = mkdtempSync(join(CACHE, ".fetch-"));
  try {
    const packed = execFileSync(
      "npm",
      ["pack", `${pkg}@${version}`, "--pack-destination", work, "--silent", "--prefer-offline"],
      { cwd: work, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
    ).trim().split("\n").pop();
    const tarball = readFileSync(join(work, packed));
    const got = `sha512-${createHash("sha512").update(tarball).digest("base64")}`;
    if (got !== integrity) throw new Error(`${pkg}@${version}: integrity ${got} is not the ${integrity} package-lock.json pins`);
    const unpacked = join(work, "unpacked");
    mkdirSync(unpacked);
    execFileSync("tar", ["-xzf", join(work, packed), "-C", unpacked, "--strip-components=1", "--no-same-owner"]);
    writeFileSync(join(unpacked, ".integrity"), integrity);
    rmSync(dir, { recursive: true, force: true });
    renameSync(unpacked, dir);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return bun;
}
