// Builds the Sensu Go asset from dist/bin (run `npm run build` first):
//   dist/sensu/aws-checks_<version>_linux_amd64.tar.gz      bin/aws-checks and one symlink per command
//   dist/sensu/aws-checks_<version>_sha512-checksums.txt    as sha512sum prints it (Bonsai's sha_filename)
//   dist/sensu/aws-checks-asset.yml                         contrib/sensu/asset.yml with the real url and sha512
// Options: --url-base URL (where the release files will be downloaded from; default the one in
// contrib/sensu/asset.yml, also AWS_CHECKS_ASSET_URL_BASE), --out DIR (default dist/sensu).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { parse, stringify } from "yaml";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};

const { name, version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const out = resolve(option("--out") ?? join(root, "dist", "sensu"));
const binary = join(root, "dist", "bin", "aws-checks");
if (!existsSync(binary)) {
  console.error(`${binary} is missing: run npm run build first`);
  process.exit(1);
}

const template = readFileSync(join(root, "contrib", "sensu", "asset.yml"), "utf8");
const asset = parse(template);
const build = asset.spec.builds[0];
// The committed url ends in /<version>/<file>; what comes before is the release download base.
const urlBase = (option("--url-base") ?? process.env.AWS_CHECKS_ASSET_URL_BASE ?? build.url.split("/").slice(0, -2).join("/")).replace(/\/$/, "");

// The archive: bin/ at its root (Sensu puts <asset>/bin on PATH), the binary and its command links.
mkdirSync(out, { recursive: true });
const staging = join(out, `.staging-${process.pid}`);
rmSync(staging, { recursive: true, force: true });
mkdirSync(join(staging, "bin"), { recursive: true });
chmodSync(join(staging, "bin"), 0o755);
copyFileSync(binary, join(staging, "bin", "aws-checks"));
chmodSync(join(staging, "bin", "aws-checks"), 0o755);
const commands = execFileSync(join(staging, "bin", "aws-checks"), ["--list"], { encoding: "utf8" }).trim().split("\n");
for (const command of commands) symlinkSync("aws-checks", join(staging, "bin", command));

// Same input, same bytes: fixed owner, order and time in the tar, no name or time in the gzip header.
const mtime = process.env.SOURCE_DATE_EPOCH ?? execFileSync("git", ["log", "-1", "--format=%ct"], { cwd: root, encoding: "utf8" }).trim();
const tar = execFileSync(
  "tar",
  ["--create", "--format=gnu", "--sort=name", "--owner=0", "--group=0", "--numeric-owner", `--mtime=@${mtime}`, "-C", staging, "bin"],
  { maxBuffer: 1 << 30 },
);
rmSync(staging, { recursive: true, force: true });
const archive = gzipSync(tar, { level: 6 });

const archiveName = `${name}_${version}_linux_amd64.tar.gz`;
const sha512 = createHash("sha512").update(archive).digest("hex");
writeFileSync(join(out, archiveName), archive);
writeFileSync(join(out, `${name}_${version}_sha512-checksums.txt`), `${sha512}  ${archiveName}\n`);

build.url = `${urlBase}/${version}/${archiveName}`;
build.sha512 = sha512;
// Keep the committed file's comments out of the generated one: they describe the placeholder.
writeFileSync(join(out, `${name}-asset.yml`), `---\n${stringify(asset, { lineWidth: 0 })}`);

console.log(`${join(out, archiveName)} (${(archive.length / 1048576).toFixed(1)} MiB, ${commands.length} commands)`);
console.log(`sha512 ${sha512}`);
console.log(`${join(out, `${name}-asset.yml`)} -> ${build.url}`);
