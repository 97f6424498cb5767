import { CheckError, errorMessage } from "../errors";
import type { ProxiedError } from "./http-handler";

// IAM action prefixes of the clients the suite uses (the SDK's client name -> IAM service prefix).
const IAM_PREFIX: Record<string, string> = {
  EC2Client: "ec2",
  SQSClient: "sqs",
  ElasticLoadBalancingClient: "elasticloadbalancing",
  AutoScalingClient: "autoscaling",
  ElasticLoadBalancingV2Client: "elasticloadbalancing",
  STSClient: "sts",
  CloudWatchClient: "cloudwatch",
};

interface Annotated {
  $action?: string;
}

type Middleware = (
  next: (args: unknown) => Promise<unknown>,
  context: { clientName?: string; commandName?: string },
) => (args: unknown) => Promise<unknown>;

/** Tags every error a client throws with the IAM action of the call, e.g. `ec2:DescribeInstanceStatus`. */
export function annotateErrors(client: { middlewareStack: { add: (...args: never[]) => void } }): void {
  const middleware: Middleware = (next, context) => async (args) => {
    try {
      return await next(args);
    } catch (err) {
      if (err && typeof err === "object") {
        const prefix = IAM_PREFIX[context.clientName ?? ""] ?? "aws";
        (err as Annotated).$action = `${prefix}:${(context.commandName ?? "call").replace(/Command$/, "")}`;
      }
      throw err;
    }
  };
  (client.middlewareStack.add as unknown as (m: Middleware, o: object) => void)(middleware, {
    step: "initialize",
    name: "awsChecksErrorAnnotation",
  });
}

const NO_CREDENTIALS = /could not load credentials|credential.*(missing|not found)|unable to (find|load) credentials/i;
const CODES = {
  expired: ["ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired"],
  rejected: ["AuthFailure", "InvalidClientTokenId", "UnrecognizedClientException", "SignatureDoesNotMatch", "IncompleteSignature", "InvalidAccessKeyId"],
  denied: ["UnauthorizedOperation", "AccessDenied", "AccessDeniedException", "UnauthorizedAccess", "OptInRequired"],
  throttled: ["Throttling", "ThrottlingException", "RequestLimitExceeded", "RequestThrottled", "TooManyRequestsException", "SlowDown", "RequestThrottledException"],
};
const NETWORK = ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "ECONNRESET", "ETIMEDOUT", "EPIPE", "TimeoutError"];

// Node's and Bun's codes for a certificate the trusted roots do not vouch for (or that names another host).
const CERTIFICATE = /^(UNABLE_TO_(VERIFY_LEAF_SIGNATURE|GET_ISSUER_CERT(_LOCALLY)?)|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|CERT_(HAS_EXPIRED|NOT_YET_VALID|UNTRUSTED|REJECTED|SIGNATURE_FAILURE)|ERR_TLS_CERT_ALTNAME_INVALID)$/;

interface SdkError extends ProxiedError {
  name?: string;
  code?: string;
  message?: string;
  $action?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
  $fault?: string;
}

/** What went wrong with an AWS call, in words an operator can act on; UNKNOWN unless the check says more. */
export function awsErrorText(err: unknown): string {
  const e = (err ?? {}) as SdkError;
  const name = e.name ?? "";
  const code = e.code ?? name;
  const action = e.$action ?? "an AWS call";
  const message = errorMessage(err).split("\n")[0];
  const attempts = e.$metadata?.attempts;

  if (err instanceof CheckError) return err.message;
  if (CERTIFICATE.test(code) || CERTIFICATE.test(name)) {
    const via = e.$proxy ? ` (through the proxy ${e.$proxy})` : "";
    const trusted = e.$caBundle ? `the built-in roots and ${e.$caBundle}` : "the built-in roots";
    return `certificate verification failed for ${action}${via}: ${message}; trusted: ${trusted}. For a private CA or a TLS-inspecting proxy set AWS_CA_BUNDLE or ca_bundle in the profile`;
  }
  if (e.$proxy) {
    const proxyText = proxyProblem(e, action, message);
    if (proxyText !== undefined) return proxyText;
  }
  if (name === "CredentialsProviderError" || NO_CREDENTIALS.test(message)) {
    return `no AWS credentials found for ${action} (set AWS_PROFILE or AWS_ACCESS_KEY_ID, or run on an instance with a role)`;
  }
  if (/region is missing/i.test(message)) return "no region: pass --region or set AWS_REGION";
  if (CODES.expired.includes(code)) return `AWS credentials have expired (${code} on ${action}): refresh them`;
  if (CODES.rejected.includes(code)) return `AWS rejected the credentials (${code} on ${action})`;
  if (CODES.denied.includes(code)) {
    const named = /perform:?\s+([a-z0-9-]+:[A-Za-z0-9]+)/.exec(message)?.[1];
    return `access denied: the credentials may not call ${named ?? action} (${code})`;
  }
  if (CODES.throttled.includes(code)) {
    return `throttled by AWS on ${action}${attempts ? ` after ${attempts} attempts` : ""} (${code}); raise --max-attempts or call less often`;
  }
  if (NETWORK.includes(code) || NETWORK.some((n) => message.includes(n))) {
    return `AWS endpoint unreachable for ${action}: ${message}`;
  }
  if (name === "SyntaxError" || /deserializ|unexpected (end|token)|xml|parse/i.test(message) || e.$metadata?.httpStatusCode === 200) {
    return `unparseable answer from ${action}: ${message}`;
  }
  const status = e.$metadata?.httpStatusCode;
  return `${action} failed: ${code || "error"}${status ? ` (HTTP ${status})` : ""}: ${message}`;
}

/** A failure of the proxy itself (refused, unreachable, said no to the CONNECT), or undefined. */
function proxyProblem(e: SdkError, action: string, message: string): string | undefined {
  const status = /^Bad response: (\d{3})$/.exec(message)?.[1];
  // 407 is the standard answer; tinyproxy's BasicAuth answers 401.
  if (status === "407" || status === "401") return `proxy ${e.$proxy} refused ${action}: proxy authentication required (HTTP ${status}); give the user and password in the proxy URL (http://user:password@host:port)`;
  if (status !== undefined) return `proxy ${e.$proxy} could not connect to ${e.$target} for ${action} (HTTP ${status})`;
  const code = e.code ?? e.name ?? "";
  if (NETWORK.includes(code) || NETWORK.some((n) => message.includes(n)) || /proxy timeout|socket hang up/i.test(message)) {
    return `no connection through the proxy ${e.$proxy} for ${action} (to ${e.$target}): ${message}`;
  }
  return undefined;
}
