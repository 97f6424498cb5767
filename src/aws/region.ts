import { loadConfig, NODE_REGION_CONFIG_FILE_OPTIONS, NODE_REGION_CONFIG_OPTIONS } from "@smithy/core/config";
import type { Context } from "../context";
import { CheckError } from "../errors";
import type { AwsConnection } from "./connect";
import { imdsGet } from "./imds";

const IMDS_REGION_BUDGET_MS = 1000;

/**
 * The region a command runs in when --region is not given: AWS_REGION, AWS_DEFAULT_REGION, the
 * profile's region, then the instance's own region from IMDSv2 (the SDK has no IMDS fallback of its own).
 */
async function defaultRegion(conn: AwsConnection, ctx: Context): Promise<string | undefined> {
  const fromEnv = ctx.env.AWS_REGION || ctx.env.AWS_DEFAULT_REGION;
  if (fromEnv) return fromEnv;
  try {
    const fromProfile = await loadConfig(NODE_REGION_CONFIG_OPTIONS, {
      ...NODE_REGION_CONFIG_FILE_OPTIONS,
      profile: conn.settings.profile,
    })();
    if (fromProfile) return fromProfile;
  } catch {
    // No region in env or profile: IMDS is the last resort.
  }
  if (ctx.env.AWS_EC2_METADATA_DISABLED && ctx.env.AWS_EC2_METADATA_DISABLED !== "false") return undefined;
  ctx.stage("reading the region from instance metadata");
  try {
    return (await imdsGet("/latest/meta-data/placement/region", IMDS_REGION_BUDGET_MS, ctx.signal))?.trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The regions to query: --region values, every enabled region for `all`, or the default region. */
export async function resolveRegions(conn: AwsConnection, ctx: Context): Promise<string[]> {
  const given = conn.settings.regions;
  if (given.length > 0 && !given.includes("all")) return given;
  const base = await defaultRegion(conn, ctx);
  if (given.includes("all")) {
    ctx.stage("listing regions (ec2:DescribeRegions)");
    const { EC2Client, DescribeRegionsCommand } = await import("@aws-sdk/client-ec2");
    const ec2 = conn.client(EC2Client, base ?? "us-east-1");
    const out = await ec2.send(new DescribeRegionsCommand({}), conn.sendOptions);
    const names = (out.Regions ?? []).map((r) => r.RegionName).filter((n): n is string => !!n).sort();
    if (names.length === 0) throw new CheckError("ec2:DescribeRegions returned no region");
    return names;
  }
  if (base === undefined) throw new CheckError("no region: pass --region or set AWS_REGION");
  return [base];
}
