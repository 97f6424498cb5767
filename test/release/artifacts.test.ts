import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { parse } from "yaml";
import { ROOT } from "../support/run-binary";
import { hostCommands, PACKAGE, PLATFORMS, type Platform, readElf, RELEASE, releaseFile, sha, unpack } from "./release-files";

// Every file of dist/release read as a user's tools would: tar, dpkg-deb, sha256sum, the ELF headers.
// The executables are compared with what their names promise, never run here (arm64-qemu.test.ts
// and deb-install.test.ts run them).

const V = PACKAGE.version;
const DEBS = PLATFORMS.filter((p) => p.libc === "glibc");
// Reading 100 MB files while other tests run on two cores takes tens of seconds.
vi.setConfig({ testTimeout: 180_000 });
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A Bun executable keeps the program in its .bun section; plain Bun (or a stripped build) has 8 bytes there. */
function expectExecutableFor(file: string, p: Platform): void {
  const elf = readElf(file);
  expect(elf.machine, file).toBe(p.machine);
  expect(elf.interpreter, file).toBe(p.interpreter);
  expect(elf.sections.get(".bun"), `${file}: the program in the .bun section`).toBeGreaterThan(1 << 20);
  expect(elf.sections.has(".symtab"), `${file} is not stripped`).toBe(true);
}

describe("dist/release", () => {
  it("holds the four tarballs, the two .deb, the Sensu asset and the checksum files", () => {
    releaseFile("SHA256SUMS");
    expect(readdirSync(RELEASE).sort()).toEqual(
      [
        ...PLATFORMS.map((p) => p.tarball),
        ...DEBS.map((p) => p.deb),
        "aws-checks-asset.yml",
        `aws-checks_${V}_sha512-checksums.txt`,
        "SHA256SUMS",
      ].sort(),
    );
  });

  it("SHA256SUMS verifies with sha256sum -c and covers every other file", () => {
    const out = execFileSync("sha256sum", ["--check", "--strict", "SHA256SUMS"], { cwd: RELEASE, encoding: "utf8" });
    const verified = out.trim().split("\n").map((l) => /^(.+): OK$/.exec(l)?.[1]);
    expect(verified.sort()).toEqual(readdirSync(RELEASE).filter((f) => f !== "SHA256SUMS").sort());
  });

  it("the sha512 checksum file (Bonsai's) verifies with sha512sum -c and names the four tarballs", () => {
    const file = `aws-checks_${V}_sha512-checksums.txt`;
    const out = execFileSync("sha512sum", ["--check", "--strict", file], { cwd: RELEASE, encoding: "utf8" });
    expect(out.trim().split("\n").sort()).toEqual(PLATFORMS.map((p) => `${p.tarball}: OK`).sort());
  });
});

describe.each(PLATFORMS.map((p) => [p.tarball, p] as const))("%s", (_name, p) => {
  it("holds bin/ at its root, owned by root: the executable and a relative symlink per command", () => {
    const listing = execFileSync("tar", ["-tvzf", releaseFile(p.tarball)], { encoding: "utf8" }).trim().split("\n");
    const entries = listing.map((l) => l.split(/\s+/));
    expect(entries.map((e) => e.slice(5).join(" "))).toEqual(["bin/", "bin/aws-checks", ...hostCommands().sort().map((c) => `bin/${c} -> aws-checks`)]);
    expect(entries.map((e) => e[1])).toEqual(listing.map(() => "0/0"));
    expect(entries[1][0]).toBe("-rwxr-xr-x");
    // One time for every entry: the release's, not the build's clock.
    expect(new Set(entries.map((e) => `${e[3]} ${e[4]}`)).size).toBe(1);
  });

  it(`is an ELF executable for ${p.arch} ${p.libc} (machine ${p.machine}, ${p.interpreter}) with its program`, () => {
    const dir = unpack(releaseFile(p.tarball), "tarball");
    dirs.push(dir);
    expectExecutableFor(join(dir, "bin", "aws-checks"), p);
  });
});

describe.each(DEBS.map((p) => [p.deb!, p] as const))("%s", (deb, p) => {
  const field = (name: string) => execFileSync("dpkg-deb", ["--field", releaseFile(deb), name], { encoding: "utf8" }).trim();

  it("has the control fields dpkg and apt need", () => {
    expect(field("Package")).toBe("aws-checks");
    expect(field("Version")).toBe(V);
    expect(field("Architecture")).toBe(p.arch);
    expect(field("Depends")).toMatch(/^libc6 \(>= 2\.\d+\)$/);
    expect(field("Maintainer")).toMatch(/^.+ <[^@\s]+@[^>\s]+>$/);
    expect(field("Section")).toBe("net");
    expect(field("Priority")).toBe("optional");
    expect(field("Description")).toMatch(/^check plugins for EC2 fleets .*\n .+/);
    const listing = execFileSync("dpkg-deb", ["--contents", releaseFile(deb)], { encoding: "utf8" });
    const bytes = listing.trim().split("\n").map((l) => l.split(/\s+/)).filter((e) => e[0].startsWith("-")).reduce((n, e) => n + Math.ceil(Number(e[2]) / 1024), 0);
    expect(Number(field("Installed-Size"))).toBe(bytes);
  });

  it("puts the executable and a relative symlink per command in /usr/lib/nagios/plugins, serverscore on the PATH, the definitions where Nagios and Icinga 2 read them", () => {
    const listing = execFileSync("dpkg-deb", ["--contents", releaseFile(deb)], { encoding: "utf8" }).trim().split("\n");
    const entries = listing.map((l) => l.split(/\s+/));
    expect(new Set(entries.map((e) => e[1]))).toEqual(new Set(["root/root"]));
    const paths = entries.map((e) => e.slice(5).join(" "));
    expect(entries.find((e) => e[5] === "./usr/lib/nagios/plugins/aws-checks")?.[0]).toBe("-rwxr-xr-x");
    for (const command of hostCommands()) expect(paths).toContain(`./usr/lib/nagios/plugins/${command} -> aws-checks`);
    expect(paths).toContain("./usr/bin/serverscore -> ../lib/nagios/plugins/aws-checks");
    expect(paths).toContain("./etc/nagios-plugins/config/aws-checks.cfg");
    expect(paths).toContain("./usr/share/icinga2/include/plugins-contrib.d/aws-checks.conf");
    expect(paths).toContain("./usr/share/doc/aws-checks/copyright");
  });

  it("holds the same executable as the tarball, files whose md5sums verify, the Nagios file as a conffile", () => {
    const dir = unpack(releaseFile(PLATFORMS.find((t) => t.deb === deb)!.tarball), "deb-vs-tar");
    dirs.push(dir);
    execFileSync("dpkg-deb", ["--raw-extract", releaseFile(deb), join(dir, "deb")]);
    const executable = join(dir, "deb", "usr/lib/nagios/plugins/aws-checks");
    expectExecutableFor(executable, p);
    expect(sha("sha256", executable)).toBe(sha("sha256", join(dir, "bin", "aws-checks")));
    const md5sums = readFileSync(join(dir, "deb", "DEBIAN", "md5sums"), "utf8");
    expect(md5sums).toContain("  usr/lib/nagios/plugins/aws-checks\n");
    for (const line of md5sums.trim().split("\n")) {
      const [sum, path] = line.split("  ");
      expect(sha("md5", join(dir, "deb", path)), path).toBe(sum);
    }
    expect(readFileSync(join(dir, "deb", "DEBIAN", "conffiles"), "utf8")).toBe("/etc/nagios-plugins/config/aws-checks.cfg\n");
    expect(readFileSync(join(dir, "deb", "etc/nagios-plugins/config/aws-checks.cfg"), "utf8")).toBe(
      readFileSync(join(ROOT, "contrib/nagios/aws-checks-commands.cfg"), "utf8"),
    );
  });
});

describe("aws-checks-asset.yml", () => {
  interface Build {
    url: string;
    sha512: string;
    filters: string[];
  }
  const builds = () => (parse(readFileSync(releaseFile("aws-checks-asset.yml"), "utf8")) as { spec: { builds: Build[] } }).spec.builds;

  it("has one build per tarball, filtered on os, arch and libc_type, whose sha512 is that tarball's", () => {
    expect(builds().map((b) => b.url.split("/").pop()).sort()).toEqual(PLATFORMS.map((p) => p.tarball).sort());
    for (const p of PLATFORMS) {
      const build = builds().find((b) => b.url.endsWith(`/${V}/${p.tarball}`))!;
      expect(build.filters, p.tarball).toEqual([
        "entity.system.os == 'linux'",
        `entity.system.arch == '${p.arch}'`,
        `entity.system.libc_type == '${p.libc}'`,
      ]);
      expect(build.sha512, p.tarball).toBe(sha("sha512", releaseFile(p.tarball)));
    }
  });

  it("keeps the committed template's filters, build for build", () => {
    const template = parse(readFileSync(join(ROOT, "contrib/sensu/asset.yml"), "utf8")) as { spec: { builds: Build[] } };
    expect(builds().map((b) => b.filters)).toEqual(template.spec.builds.map((b) => b.filters));
    expect(template.spec.builds.every((b) => b.sha512.startsWith("PLACEHOLDER"))).toBe(true);
  });
});
