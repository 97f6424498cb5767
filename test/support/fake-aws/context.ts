/** What a service handler gets for one request. */
import type { Service } from "./errors";
import type { RegionIndex, ScenarioIndex } from "./model";

export interface AssumedRole {
  roleArn: string;
  roleSessionName: string;
  externalId: string | undefined;
  durationSeconds: number;
  /** Credentials handed out. */
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  /** `arn:aws:sts::<account>:assumed-role/<role name>/<session>` */
  assumedRoleArn: string;
  /** Access key id that signed the AssumeRole call. */
  callerAccessKeyId: string | undefined;
}

export interface RequestContext {
  service: Service;
  action: string;
  region: string;
  index: ScenarioIndex;
  regionIndex: RegionIndex;
  requestId: string;
  accountId: string;
  /** `http://host:port` as the client addressed the server (used to build SQS queue URLs). */
  endpoint: string;
  accessKeyId: string | undefined;
  /** ARN of the caller (IAM user, or assumed-role ARN for credentials minted by the fake STS). */
  principalArn: string;
  /** Credentials minted by the fake STS, by access key id. */
  assumedRoles: Map<string, AssumedRole>;
  /** Called by STS AssumeRole. */
  recordAssumedRole(role: AssumedRole): void;
}
