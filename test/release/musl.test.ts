import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PLATFORMS, PLUGIN_ENV, releaseFile, run, unpack } from "./release-files";

// What can be verified of the musl builds on Debian: Debian's musl (and musl:arm64, run by qemu-user
// through binfmt_misc) loads each executable with `ld-musl-*.so.1 --list`, and the only thing the host
// lacks is libstdc++.so.6: every symbol left unresolved belongs to the C++ runtime. On Alpine,
// `apk add libstdc++` provides it; no Debian package has a musl libstdc++, so they are never started here.

const LIBC = { amd64: "x86_64", arm64: "aarch64" } as const;
/** C++ runtime symbols: mangled std:: names, the Itanium C++ ABI (__cxa_*, __dynamic_cast) and libstdc++'s __once_proxy. */
const CXX_RUNTIME = /^(_Z\w+|__cxa_\w+|__dynamic_cast|__once_proxy)$/;

describe.each(PLATFORMS.filter((p) => p.libc === "musl").map((p) => [p.tarball, p] as const))("%s", (_name, p) => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it(`loads with musl's ${p.interpreter}, missing nothing but libstdc++.so.6`, async () => {
    const dir = unpack(releaseFile(p.tarball), "musl");
    dirs.push(dir);
    const executable = join(dir, "bin", "aws-checks");
    const r = await run(p.interpreter, ["--list", executable], PLUGIN_ENV);
    const libc = `libc.musl-${LIBC[p.arch]}.so.1`;
    expect(r.stdout).toContain(`\t${libc} => ${p.interpreter} (`);
    const lines = r.stderr.trim().split("\n");
    expect(lines.filter((l) => l.startsWith("Error loading shared library"))).toEqual([
      `Error loading shared library libstdc++.so.6: No such file or directory (needed by ${executable})`,
    ]);
    const unresolved = lines.filter((l) => !l.startsWith("Error loading shared library")).map((l) => {
      const m = new RegExp(`^Error relocating ${executable}: (\\S+): symbol not found$`).exec(l);
      if (!m) throw new Error(`unexpected loader output: ${l}`);
      return m[1];
    });
    expect(unresolved.length).toBeGreaterThan(0);
    expect(unresolved.filter((s) => !CXX_RUNTIME.test(s))).toEqual([]);
    expect(r.exitCode).not.toBe(0);
  }, 120_000);
});
