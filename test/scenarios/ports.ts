import type { RegionalPort } from "../../src/aws/regions";

/**
 * A RegionalPort over fixed sources, one per region, every one of them read (as `--region` naming them
 * all would). Fixture ports are plain objects; nothing here talks to AWS.
 */
export function regional<S>(byRegion: Record<string, S>): RegionalPort<S> {
  return {
    regions: async () => Object.keys(byRegion),
    in: (region) => {
      const source = byRegion[region];
      if (source === undefined) throw new Error(`fixture has no region ${region}`);
      return source;
    },
  };
}

/** The error the SDK throws when IAM refuses a call, as the suite's error annotation leaves it. */
export function denied(action: string): Error {
  return Object.assign(new Error(`User is not authorized to perform: ${action}`), { name: "AccessDenied", $action: action });
}
