/**
 * STS (awsQuery protocol, API version 2011-06-15): AssumeRole and
 * GetCallerIdentity. Credentials minted here are remembered so later calls
 * signed with them are attributed to the assumed role.
 */
import { randomBytes } from "node:crypto";
import type { AssumedRole, RequestContext } from "./context";
import { AwsError, STS_NAMESPACE, dispatch, type WireResponse } from "./errors";
import type { QueryParams } from "./query";
import { el, queryResponse } from "./xml";

/** ARN of callers that did not use credentials minted by the fake STS. */
export function defaultPrincipalArn(accountId: string): string {
  return `arn:aws:iam::${accountId}:user/monitor`;
}

function stsResponse(action: string, requestId: string, result: string): WireResponse {
  return queryResponse(STS_NAMESPACE, action, requestId, result);
}

const validation = (message: string) => new AwsError(400, "ValidationError", message);

let keyCounter = 0;
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function newAccessKeyId(): string {
  keyCounter++;
  let tail = "";
  let n = keyCounter;
  for (let i = 0; i < 8; i++) {
    tail = (ALNUM[n % 32] as string) + tail;
    n = Math.floor(n / 32);
  }
  const rnd = randomBytes(8);
  let mid = "";
  for (const b of rnd) mid += ALNUM[b % 32];
  return `ASIA${mid}${tail}`;
}

function assumeRole(params: QueryParams, ctx: RequestContext): WireResponse {
  const roleArn = params.str("RoleArn");
  const sessionName = params.str("RoleSessionName");
  if (!roleArn) throw validation("1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null");
  if (!sessionName) throw validation("1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null");
  if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
    throw validation(`1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`);
  }
  const m = /^arn:aws[\w-]*:iam::(\d{12}):role\/(?:.*\/)?([\w+=,.@-]+)$/.exec(roleArn);
  if (!m) throw validation(`${roleArn} is invalid`);
  const duration = params.int("DurationSeconds") ?? 3600;
  if (!Number.isInteger(duration) || duration < 900 || duration > 43200) {
    throw validation(`1 validation error detected: Value '${params.str("DurationSeconds")}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200`);
  }
  const roleName = m[2] as string;
  const roleAccount = m[1] as string;
  const expiration = new Date(Math.floor(Date.now() / 1000) * 1000 + duration * 1000);
  const role: AssumedRole = {
    roleArn,
    roleSessionName: sessionName,
    externalId: params.str("ExternalId"),
    durationSeconds: duration,
    accessKeyId: newAccessKeyId(),
    secretAccessKey: randomBytes(30).toString("base64"),
    sessionToken: "FwoGZXIvYXdzE" + randomBytes(48).toString("base64"),
    expiration,
    assumedRoleArn: `arn:aws:sts::${roleAccount}:assumed-role/${roleName}/${sessionName}`,
    callerAccessKeyId: ctx.accessKeyId,
  };
  ctx.recordAssumedRole(role);
  const roleId = "AROA" + roleArn.length.toString(16).toUpperCase().padStart(4, "0") + "EXAMPLE" + roleName.length;
  const result =
    `<AssumedRoleUser>${el("AssumedRoleId", `${roleId}:${sessionName}`)}${el("Arn", role.assumedRoleArn)}</AssumedRoleUser>` +
    `<Credentials>${el("AccessKeyId", role.accessKeyId)}${el("SecretAccessKey", role.secretAccessKey)}` +
    `${el("SessionToken", role.sessionToken)}${el("Expiration", expiration.toISOString())}</Credentials>` +
    `<PackedPolicySize>6</PackedPolicySize>`;
  return stsResponse("AssumeRole", ctx.requestId, result);
}

function getCallerIdentity(_params: QueryParams, ctx: RequestContext): WireResponse {
  const assumed = ctx.accessKeyId ? ctx.assumedRoles.get(ctx.accessKeyId) : undefined;
  const account = assumed ? (/::(\d{12}):/.exec(assumed.assumedRoleArn)?.[1] ?? ctx.accountId) : ctx.accountId;
  const userId = assumed ? `AROAEXAMPLE:${assumed.roleSessionName}` : "AIDAEXAMPLEMONITOR01";
  const result = `${el("Arn", ctx.principalArn)}${el("UserId", userId)}${el("Account", account)}`;
  return stsResponse("GetCallerIdentity", ctx.requestId, result);
}

export const STS_ACTIONS: Record<string, (params: QueryParams, ctx: RequestContext) => WireResponse> = {
  AssumeRole: assumeRole,
  GetCallerIdentity: getCallerIdentity,
};

export const handleSts = dispatch("sts", STS_ACTIONS);
