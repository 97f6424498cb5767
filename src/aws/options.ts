import { UsageError } from "../errors";
import { type OptionSpec, positiveInteger, text, type Values, value } from "../options";
import { proxyUrlProblem, withScheme } from "./proxy";

/** The AWS options of a command line, validated. */
export interface AwsSettings {
  /** Regions given with --region; `["all"]` means every enabled region; empty means the default chain. */
  regions: string[];
  profile?: string;
  roleArn?: string;
  externalId?: string;
  endpointUrl?: string;
  maxAttempts: number;
  /** --proxy, credentials included: never print it (proxyLabel gives a printable form). */
  proxy?: string;
}

const AWS = "AWS:";
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/;

const region: OptionSpec<string[]> = {
  kind: "value",
  repeatable: true,
  placeholder: "REGION",
  help: "AWS region, or several comma-separated; 'all' = every enabled region. Default: AWS_REGION, the profile, then IMDS",
  group: AWS,
  parse(texts, flag) {
    const regions = [...new Set(texts.flatMap((r) => r.split(",")).map((r) => r.trim()))];
    for (const r of regions) {
      if (r !== "all" && !REGION.test(r)) throw new UsageError(`${flag}: '${r}' is not a region name (e.g. eu-west-1, or all)`);
    }
    if (regions.includes("all") && regions.length > 1) throw new UsageError(`${flag}: 'all' cannot be combined with other regions`);
    return regions;
  },
};

/** The option group every AWS command spreads into its options. Data only: importing it loads no SDK code. */
export const AWS_OPTIONS = {
  region,
  profile: text({ placeholder: "NAME", help: "Shared config profile (also AWS_PROFILE)", group: AWS }),
  roleArn: value({ placeholder: "ARN", help: "Assume this IAM role first (STS AssumeRole)", group: AWS }, (t, flag) => {
    if (!ROLE_ARN.test(t)) throw new UsageError(`${flag}: '${t}' is not an IAM role ARN (arn:aws:iam::123456789012:role/name)`);
    return t;
  }),
  externalId: text({ placeholder: "ID", help: "External id for --role-arn", group: AWS }),
  endpointUrl: value(
    { placeholder: "URL", help: "Send every AWS call to this URL (also AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>)", group: AWS },
    (t, flag) => {
      if (!/^https?:\/\/[^\s/]+/.test(t)) throw new UsageError(`${flag}: '${t}' is not an http(s) URL`);
      return t;
    },
  ),
  proxy: value(
    {
      placeholder: "URL",
      help: "Send AWS calls through this HTTP proxy, http://[user:password@]host:port (never IMDS). Default: HTTPS_PROXY or HTTP_PROXY, minus NO_PROXY",
      group: AWS,
    },
    (t, flag) => {
      const url = withScheme(t);
      // The message names the proxy without its credentials.
      const problem = proxyUrlProblem(url);
      if (problem !== undefined) throw new UsageError(`${flag}: ${problem}`);
      return url;
    },
  ),
  maxAttempts: positiveInteger({ placeholder: "N", default: "3", help: "Attempts per AWS call, with the SDK's backoff", group: AWS }),
};

export type AwsValues = Values<typeof AWS_OPTIONS>;

/** The AWS settings of a run; throws a UsageError for options that only make sense together. */
export function awsSettings(o: AwsValues): AwsSettings {
  if (o.externalId !== undefined && o.roleArn === undefined) throw new UsageError("--external-id needs --role-arn");
  return {
    regions: o.region,
    profile: o.profile,
    roleArn: o.roleArn,
    externalId: o.externalId,
    endpointUrl: o.endpointUrl,
    maxAttempts: o.maxAttempts,
    proxy: o.proxy,
  };
}
