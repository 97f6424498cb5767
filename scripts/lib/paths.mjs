import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** The multi-call entry compiled into dist/bin/aws-checks and the release executables. */
export const ENTRY = join(ROOT, "app", "bin.ts");
/** The list of commands: packaging reads it here, never from a (possibly cross-built) executable. */
export const REGISTRY = join(ROOT, "app", "registry.ts");
/** The Bun that compiles (npm's `bun` package); it runs on this host. */
export const BUN = join(ROOT, "node_modules", ".bin", "bun");
