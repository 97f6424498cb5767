import { list, one, positiveInteger } from "../cli";
import type { ParsedArgs } from "../definition";
import { UsageError } from "../errors";

/** The AWS options of a command line, validated. */
export interface AwsSettings {
  /** Regions given with --region; `["all"]` means every enabled region; empty means the default chain. */
  regions: string[];
  profile?: string;
  roleArn?: string;
  externalId?: string;
  endpointUrl?: string;
  maxAttempts: number;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/;

export function parseAwsSettings(args: ParsedArgs): AwsSettings {
  const regions = [...new Set(list(args.region).flatMap((r) => r.split(",")).map((r) => r.trim()))];
  for (const r of regions) {
    if (r !== "all" && !REGION.test(r)) throw new UsageError(`--region: '${r}' is not a region name (e.g. eu-west-1, or all)`);
  }
  if (regions.includes("all") && regions.length > 1) throw new UsageError("--region: 'all' cannot be combined with other regions");
  const roleArn = one(args["role-arn"]);
  if (roleArn !== undefined && !ROLE_ARN.test(roleArn)) {
    throw new UsageError(`--role-arn: '${roleArn}' is not an IAM role ARN (arn:aws:iam::123456789012:role/name)`);
  }
  const externalId = one(args["external-id"]);
  if (externalId !== undefined && roleArn === undefined) throw new UsageError("--external-id needs --role-arn");
  const endpointUrl = one(args["endpoint-url"]);
  if (endpointUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(endpointUrl)) {
    throw new UsageError(`--endpoint-url: '${endpointUrl}' is not an http(s) URL`);
  }
  return {
    regions,
    profile: one(args.profile),
    roleArn,
    externalId,
    endpointUrl,
    maxAttempts: positiveInteger(args["max-attempts"], "--max-attempts", 3),
  };
}
