// `npm run release`: every release file into dist/release/ (or --out DIR), offline and reproducible.
//
//   aws-checks_<v>_linux_<amd64|arm64>[_musl].tar.gz   bin/aws-checks and a relative symlink per command
//   aws-checks_<v>_<amd64|arm64>.deb                    glibc builds for Debian and Ubuntu
//   aws-checks_<v>_sha512-checksums.txt                 sha512sum of the tarballs (Bonsai's sha_filename)
//   aws-checks-asset.yml                                the Sensu Go asset: one build per tarball
//   SHA256SUMS                                          sha256sum of every file above
//
// Options: --url-base URL (where the tarballs will be downloaded from, as URL/<version>/<file>; default
// the one in contrib/sensu/asset.yml, also AWS_CHECKS_ASSET_URL_BASE), --out DIR.
// Environment: SOURCE_DATE_EPOCH (every file's time; default the last commit's), AWS_CHECKS_MAINTAINER
// (the .deb's Maintainer field).
// The Bun runtimes of the other platforms come from npm packages pinned in package-lock.json
// (scripts/lib/runtimes.mjs; `npm run fetch-runtimes` fetches them ahead, for an offline release).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync, copyFileSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync,
  utimesSync, lutimesSync, writeFileSync,
} from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { parse, stringify } from "yaml";
import { compile, listCommands } from "./lib/compile.mjs";
import { ROOT } from "./lib/paths.mjs";
import { PLATFORMS } from "./lib/platforms.mjs";
import { runtimeExecutable } from "./lib/runtimes.mjs";

/** Where the Debian packages of Nagios 4 and Icinga 2 look for plugins and their command definitions. */
const PLUGIN_DIR = "usr/lib/nagios/plugins";
const NAGIOS_CFG = "etc/nagios-plugins/config/aws-checks.cfg";
const ICINGA_CONF = "usr/share/icinga2/include/plugins-contrib.d/aws-checks.conf";
/** The commands a host runs from its PATH: serverscore is what check_serverscore runs over SSH. */
const ON_PATH = ["serverscore"];
/** Bun's runtime links glibc 2.17 symbols at most (objdump -T). */
const DEPENDS = "libc6 (>= 2.17)";

const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const { name, version } = pkg;
const out = resolve(option("--out") ?? join(ROOT, "dist", "release"));
const epoch = Number(
  process.env.SOURCE_DATE_EPOCH ?? execFileSync("git", ["log", "-1", "--format=%ct"], { cwd: ROOT, encoding: "utf8" }).trim(),
);
const template = parse(readFileSync(join(ROOT, "contrib", "sensu", "asset.yml"), "utf8"));
// The committed url ends in /<version>/<file>; what comes before is the release download base.
const urlBase = (option("--url-base") ?? process.env.AWS_CHECKS_ASSET_URL_BASE ?? template.spec.builds[0].url.split("/").slice(0, -2).join("/"))
  .replace(/\/$/, "");

const commands = listCommands();
// Built aside and swapped in at the end: a reader of dist/release never sees half a release.
const staging = `${out}.staging-${process.pid}`;
const work = join(staging, ".work");
rmSync(staging, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

const sha = (algorithm, data) => createHash(algorithm).update(data).digest("hex");

/** Every entry's time (symlinks' own too) set to the release time, so that nothing depends on the build's clock. */
function stampTree(dir) {
  for (const entry of readdirSync(dir, { recursive: true })) {
    const path = join(dir, entry);
    if (lstatSync(path).isSymbolicLink()) lutimesSync(path, epoch, epoch);
    else utimesSync(path, epoch, epoch);
  }
  utimesSync(dir, epoch, epoch);
}

function install(from, to, mode) {
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
  chmodSync(to, mode);
}

/** The executable in `dir` and, beside it, a relative symlink per command. */
function placeExecutable(executable, dir) {
  install(executable, join(dir, name), 0o755);
  for (const command of commands) symlinkSync(name, join(dir, command));
}

/** Same input, same bytes: fixed owner, order and time in the tar, no name or time in the gzip header. */
function tarball(platform, executable) {
  const root = join(work, `tar-${platform.name}`);
  placeExecutable(executable, join(root, "bin"));
  chmodSync(join(root, "bin"), 0o755);
  const tar = execFileSync(
    "tar",
    ["--create", "--format=gnu", "--sort=name", "--owner=0", "--group=0", "--numeric-owner", `--mtime=@${epoch}`, "-C", root, "bin"],
    { maxBuffer: 1 << 30 },
  );
  const file = `${name}_${version}_${platform.name}.tar.gz`;
  writeFileSync(join(staging, file), gzipSync(tar, { level: 6 }));
  return file;
}

function control(arch, installedKiB) {
  const [summary, ...more] = [
    "check plugins for EC2 fleets (Nagios, Icinga 2, Sensu Go)",
    "One standalone executable (no Node.js needed) with a command per check: EC2",
    "scheduled events, AMI backups, SQS backlog and dead letters, load balancer health,",
    "EFS/NFS mounts and a host load score, also across hosts over SSH. The plugins",
    `are in /${PLUGIN_DIR}; serverscore is on the PATH; the Nagios and Icinga 2`,
    "command definitions are installed where those packages read them.",
  ];
  return [
    `Package: ${name}`,
    `Version: ${version}`,
    `Architecture: ${arch}`,
    `Maintainer: ${process.env.AWS_CHECKS_MAINTAINER ?? "aws-checks maintainers <aws-checks@localhost>"}`,
    `Installed-Size: ${installedKiB}`,
    `Depends: ${DEPENDS}`,
    "Section: net",
    "Priority: optional",
    `Description: ${summary}`,
    ...more.map((line) => ` ${line}`),
    "",
  ].join("\n");
}

const COPYRIGHT = `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: ${name}

Files: *
Copyright: the ${name} authors
License: ${pkg.license}

Files: ${PLUGIN_DIR}/${name}
Comment: a Bun executable: the program above appended to the Bun runtime (MIT), which links
 JavaScriptCore from WebKit (LGPL-2) and other libraries listed at https://bun.com/docs/project/licensing.
`;

/** The .deb of a glibc build: dpkg-deb from a tree whose files all carry the release time. */
function deb(platform, executable) {
  const root = join(work, `deb-${platform.arch}`);
  placeExecutable(executable, join(root, PLUGIN_DIR));
  for (const command of ON_PATH) {
    mkdirSync(join(root, "usr/bin"), { recursive: true });
    symlinkSync(relative(join(root, "usr/bin"), join(root, PLUGIN_DIR, name)), join(root, "usr/bin", command));
  }
  install(join(ROOT, "contrib/nagios/aws-checks-commands.cfg"), join(root, NAGIOS_CFG), 0o644);
  install(join(ROOT, "contrib/icinga2/aws-checks-commands.conf"), join(root, ICINGA_CONF), 0o644);
  const doc = join(root, "usr/share/doc", name);
  install(join(ROOT, "README.md"), join(doc, "README.md"), 0o644);
  install(join(ROOT, "docs/install.md"), join(doc, "install.md"), 0o644);
  writeFileSync(join(doc, "copyright"), COPYRIGHT);
  for (const example of [
    "nagios/aws-checks-services.cfg.example",
    "icinga2/aws-checks-services.conf.example",
    "icinga2/aws-checks-hosts.conf.example",
    "sensu/checks.yml",
  ]) install(join(ROOT, "contrib", example), join(doc, "examples", example), 0o644);

  const files = readdirSync(root, { recursive: true }).map(String).filter((f) => lstatSync(join(root, f)).isFile()).sort();
  const installedKiB = files.reduce((kib, f) => kib + Math.ceil(lstatSync(join(root, f)).size / 1024), 0);
  mkdirSync(join(root, "DEBIAN"));
  writeFileSync(join(root, "DEBIAN/control"), control(platform.arch, installedKiB));
  writeFileSync(join(root, "DEBIAN/conffiles"), `/${NAGIOS_CFG}\n`);
  writeFileSync(
    join(root, "DEBIAN/md5sums"),
    files.filter((f) => `${f}` !== NAGIOS_CFG).map((f) => `${sha("md5", readFileSync(join(root, f)))}  ${f}\n`).join(""),
  );
  for (const d of readdirSync(root, { recursive: true }).map(String)) {
    if (lstatSync(join(root, d)).isDirectory()) chmodSync(join(root, d), 0o755);
  }
  chmodSync(root, 0o755);
  stampTree(root);
  const file = `${name}_${version}_${platform.arch}.deb`;
  // Never stripped (dpkg-deb does not strip; `strip` would turn the executable back into plain Bun).
  execFileSync("dpkg-deb", ["--root-owner-group", "-Zgzip", "-z6", "--build", root, join(staging, file)], {
    env: { ...process.env, SOURCE_DATE_EPOCH: String(epoch) },
    stdio: ["ignore", "ignore", "inherit"],
  });
  return file;
}

/** The Sensu asset: the committed template with one build per tarball, matched on arch and libc. */
function sensuAsset(tarballs) {
  const asset = structuredClone(template);
  asset.spec.builds = template.spec.builds.map((build) => {
    const platform = PLATFORMS.find(
      (p) => build.filters.includes(`entity.system.arch == '${p.arch}'`) && build.filters.includes(`entity.system.libc_type == '${p.libc}'`),
    );
    if (!platform) throw new Error(`contrib/sensu/asset.yml: no platform for the filters ${build.filters.join(", ")}`);
    const file = tarballs.get(platform.name);
    return { url: `${urlBase}/${version}/${file}`, sha512: sha("sha512", readFileSync(join(staging, file))), filters: build.filters };
  });
  if (asset.spec.builds.length !== PLATFORMS.length) throw new Error("contrib/sensu/asset.yml must have one build per platform");
  // The committed file's comments describe the placeholder; the generated one has none.
  return `---\n${stringify(asset, { lineWidth: 0 })}`;
}

const tarballs = new Map();
const debs = [];
for (const platform of PLATFORMS) {
  const executable = join(work, platform.name, name);
  mkdirSync(dirname(executable), { recursive: true });
  compile({ target: platform.bun, runtime: runtimeExecutable(platform.runtime), outfile: executable });
  tarballs.set(platform.name, tarball(platform, executable));
  if (platform.libc === "glibc") debs.push(deb(platform, executable));
  console.log(`${platform.name}: ${[tarballs.get(platform.name), ...(platform.libc === "glibc" ? [debs.at(-1)] : [])].join(", ")}`);
}
rmSync(work, { recursive: true, force: true });

const sha512File = `${name}_${version}_sha512-checksums.txt`;
writeFileSync(join(staging, sha512File), [...tarballs.values()].map((f) => `${sha("sha512", readFileSync(join(staging, f)))}  ${f}\n`).join(""));
writeFileSync(join(staging, `${name}-asset.yml`), sensuAsset(tarballs));
const released = readdirSync(staging).sort();
writeFileSync(join(staging, "SHA256SUMS"), released.map((f) => `${sha("sha256", readFileSync(join(staging, f)))}  ${f}\n`).join(""));

rmSync(out, { recursive: true, force: true });
renameSync(staging, out);
console.log(`${out}: ${released.length + 1} files, asset urls under ${urlBase}/${version}/`);
