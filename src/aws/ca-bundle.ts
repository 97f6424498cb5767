import { readFile } from "node:fs/promises";
import { loadConfig } from "@smithy/core/config";
import { CheckError, errorMessage } from "../errors";

type Env = Readonly<Record<string, string | undefined>>;

/** A PEM bundle to trust on top of the runtime's own roots, and where it was configured. */
export interface CaBundle {
  path: string;
  source: string;
  /**
   * The runtime's roots followed by the bundle's certificates it lacks; undefined when the runtime trusts
   * them all already (a bundle that is the system's own, as many hosts set it), so TLS stays as it is.
   */
  ca?: string[];
}

/**
 * The CA bundle the AWS CLI would use: AWS_CA_BUNDLE, else `ca_bundle` in the selected profile of the
 * shared config file. Unlike the CLI, which replaces the system roots with it, the bundle is added to
 * them, so a bundle holding only the private CA still lets public AWS endpoints verify.
 */
export async function findCaBundle(env: Env, profile: string | undefined): Promise<CaBundle | undefined> {
  let path = env.AWS_CA_BUNDLE?.trim() || undefined;
  let source = "AWS_CA_BUNDLE";
  if (path === undefined) {
    source = `ca_bundle of profile ${profile ?? env.AWS_PROFILE ?? "default"}`;
    try {
      path = await loadConfig<string | undefined>(
        { environmentVariableSelector: () => undefined, configFileSelector: (p) => p.ca_bundle?.trim() || undefined, default: undefined },
        { profile },
      )();
    } catch {
      // An unreadable or absent config file has no ca_bundle; the SDK reports the file itself if it matters.
    }
  }
  if (path === undefined) return undefined;
  let pem: string;
  try {
    pem = await readFile(path, "utf8");
  } catch (err) {
    throw new CheckError(`CA bundle ${path} (${source}) cannot be read: ${errorMessage(err)}`);
  }
  const certs = pemCertificates(pem);
  if (certs.length === 0) throw new CheckError(`CA bundle ${path} (${source}) holds no PEM certificate`);
  // The runtime loaded NODE_EXTRA_CA_CERTS at start, and hosts often point both variables at the system's
  // bundle: then nothing is missing, and the roots (costly to list) need not be read. The same file needs
  // no comparing at all.
  if (path === env.NODE_EXTRA_CA_CERTS?.trim()) return { path, source };
  const extra = await nodeExtraCerts(env);
  const inExtra = new Set(extra.map(body));
  let missing = certs.filter((c) => !inExtra.has(body(c)));
  if (missing.length === 0) return { path, source };
  // Setting `ca` replaces the runtime's roots, NODE_EXTRA_CA_CERTS included: pass them on explicitly.
  // Imported here, not at the top: Bun lists the roots (several ms) as soon as the name is imported.
  const { rootCertificates } = await import("node:tls");
  const runtime = [...rootCertificates, ...extra];
  const known = new Set(runtime.map(body));
  missing = missing.filter((c) => !known.has(body(c)));
  return { path, source, ca: missing.length === 0 ? undefined : [...runtime, ...missing] };
}

function pemCertificates(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/** A certificate's base64 body without line breaks: the same certificate however the file wraps it. */
function body(pem: string): string {
  return pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, "");
}

/** The certificates the runtime added from NODE_EXTRA_CA_CERTS (it ignores an unreadable file: so do we). */
async function nodeExtraCerts(env: Env): Promise<string[]> {
  const file = env.NODE_EXTRA_CA_CERTS?.trim();
  if (!file) return [];
  try {
    return pemCertificates(await readFile(file, "utf8"));
  } catch {
    return [];
  }
}
