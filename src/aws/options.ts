import type { OptionSpec as Options } from "../help";

/** The option group every AWS command has. Data only: importing it loads no SDK code. */
export const AWS_OPTIONS: Record<string, Options> = {
  region: {
    type: "string",
    describe: "AWS region (repeatable; 'all' = every enabled region). Default: AWS_REGION, the profile, then IMDS",
    group: "AWS:",
  },
  profile: { type: "string", describe: "Shared config profile (also AWS_PROFILE)", group: "AWS:" },
  "role-arn": { type: "string", describe: "Assume this IAM role first (STS AssumeRole)", group: "AWS:" },
  "external-id": { type: "string", describe: "External id for --role-arn", group: "AWS:" },
  "endpoint-url": {
    type: "string",
    describe: "Send every AWS call to this URL (also AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>)",
    group: "AWS:",
  },
  "max-attempts": { type: "string", default: "3", describe: "Attempts per AWS call, with the SDK's backoff", group: "AWS:" },
};
