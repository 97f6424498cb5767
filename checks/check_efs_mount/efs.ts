import { type MountEntry, mountOption } from "./mountinfo";

export const FILESYSTEM_ID = /^fs-[0-9a-f]{8}(?:[0-9a-f]{9})?$/;

// amazon-efs-utils picks its local TLS port from port_range_lower_bound (20049) up to
// port_range_upper_bound (21049 in current efs-utils.conf, 20449 in older ones).
const TLS_PORT_MIN = 20049;
const TLS_PORT_MAX = 21049;

// fs-….efs.<region>.amazonaws.com, the AZ form <az>.fs-….efs.…, and the China partition's .com.cn.
const EFS_HOST = /^(?:[a-z0-9-]+\.)?(fs-[0-9a-f]+)\.efs\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?$/;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/** How an NFS mount reaches its server, and which EFS file system that is when it can be told. */
export type EfsIdentity =
  | { via: "dns"; filesystemId: string; server: string }
  | { via: "tls"; port: number; filesystemId?: string; stateFile?: string }
  | { via: "ip"; server: string }
  | { via: "other"; server: string };

/** `host:/path` → host (the NFS source form; `[v6]:/path` too). */
function serverOf(source: string): string {
  const colon = source.startsWith("[") ? source.indexOf("]:") + 1 : source.indexOf(":");
  return colon > 0 ? source.slice(0, colon).replace(/^\[|\]$/g, "") : source;
}

/**
 * Which file system an NFS mount is. A direct EFS mount names it in the server's DNS name; a TLS mount
 * (amazon-efs-utils' stunnel or efs-proxy) shows only `127.0.0.1:/` with a `port=` option, and
 * efs-utils records the pair in a state file named `fs-<id>.<mount point with dots>.<port>`.
 */
export function identify(mount: MountEntry, stateFiles: string[]): EfsIdentity {
  const server = serverOf(mount.source);
  const port = Number(mountOption(mount, "port"));
  if (server === "127.0.0.1" && Number.isInteger(port) && port >= TLS_PORT_MIN && port <= TLS_PORT_MAX) {
    const dotted = mount.mountPoint.replace(/\//g, ".").replace(/^\.+/, "");
    for (const name of stateFiles) {
      const m = /^(fs-[0-9a-f]+)\.(.+)\.(\d+)$/.exec(name);
      if (m && m[2] === dotted && Number(m[3]) === port) return { via: "tls", port, filesystemId: m[1], stateFile: name };
    }
    return { via: "tls", port };
  }
  const dns = EFS_HOST.exec(server.toLowerCase());
  if (dns) return { via: "dns", filesystemId: dns[1], server };
  if (IPV4.test(server) || server.includes(":")) return { via: "ip", server };
  return { via: "other", server };
}

/** The file system an fstab `spec` names: `fs-…`/`fs-…:/dir` (type efs) or `fs-….efs.<region>…:/` (nfs). */
export function filesystemIdOfSpec(spec: string): string | undefined {
  const direct = /^(fs-[0-9a-f]+)(?::|$)/.exec(spec);
  if (direct) return direct[1];
  return EFS_HOST.exec(serverOf(spec).toLowerCase())?.[1];
}
