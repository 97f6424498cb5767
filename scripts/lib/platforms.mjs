/**
 * One release executable per platform: `bun` is Bun's --target, `runtime` the npm package holding that
 * platform's Bun (pinned in package-lock.json), `arch` and `libc` what a Sensu agent reports as
 * entity.system.arch and entity.system.libc_type (and `arch` the Debian architecture).
 */
export const PLATFORMS = [
  { name: "linux_amd64", bun: "bun-linux-x64", runtime: "@oven/bun-linux-x64", arch: "amd64", libc: "glibc" },
  { name: "linux_arm64", bun: "bun-linux-arm64", runtime: "@oven/bun-linux-aarch64", arch: "arm64", libc: "glibc" },
  { name: "linux_amd64_musl", bun: "bun-linux-x64-musl", runtime: "@oven/bun-linux-x64-musl", arch: "amd64", libc: "musl" },
  { name: "linux_arm64_musl", bun: "bun-linux-arm64-musl", runtime: "@oven/bun-linux-aarch64-musl", arch: "arm64", libc: "musl" },
];
