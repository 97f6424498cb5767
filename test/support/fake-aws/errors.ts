/**
 * AWS error values and their service-specific wire formats, plus the
 * mapping from injected fault kinds to the error each real service returns.
 */
import type { RequestContext } from "./context";
import { XML_DECL, el, esc } from "./xml";

/** `elasticloadbalancingv2` is ELBv2 (API 2015-12-01), which signs as `elasticloadbalancing` like classic ELB. */
export type Service = "ec2" | "elasticloadbalancing" | "elasticloadbalancingv2" | "autoscaling" | "sqs" | "sts" | "imds";

export type FaultKind =
  | "hang"
  | "throttle"
  | "error500"
  | "malformed"
  | "accessDenied"
  | "expiredToken"
  | "authFailure"
  | "slow";

/** An AWS service error; `code` is the Query-protocol error code. */
export class AwsError extends Error {
  readonly status: number;
  readonly code: string;
  readonly type: "Sender" | "Receiver";
  /** JSON `__type` for SQS (AWS JSON 1.0); default `com.amazonaws.sqs#<code>`. */
  readonly jsonType: string | undefined;

  constructor(status: number, code: string, message: string, opts: { type?: "Sender" | "Receiver"; jsonType?: string } = {}) {
    super(message);
    this.name = code;
    this.status = status;
    this.code = code;
    this.type = opts.type ?? (status >= 500 ? "Receiver" : "Sender");
    this.jsonType = opts.jsonType;
  }
}

export const ELB_NAMESPACE = "http://elasticloadbalancing.amazonaws.com/doc/2012-06-01/";
export const ELBV2_NAMESPACE = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/";
export const STS_NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";
export const EC2_NAMESPACE = "http://ec2.amazonaws.com/doc/2016-11-15/";
export const AUTOSCALING_NAMESPACE = "http://autoscaling.amazonaws.com/doc/2011-01-01/";

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Renders an error in the wire format of `service`. */
export function renderError(service: Service, err: AwsError, requestId: string): WireResponse {
  switch (service) {
    case "ec2":
      return {
        status: err.status,
        headers: { "content-type": "text/xml;charset=UTF-8" },
        body:
          XML_DECL +
          `<Response><Errors><Error>${el("Code", err.code)}${el("Message", err.message)}</Error></Errors>` +
          `${el("RequestID", requestId)}</Response>`,
      };
    case "elasticloadbalancing":
    case "elasticloadbalancingv2":
    case "autoscaling":
    case "sts": {
      const ns = QUERY_NAMESPACE[service];
      return {
        status: err.status,
        headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
        body:
          `<ErrorResponse xmlns="${ns}"><Error>${el("Type", err.type)}${el("Code", err.code)}${el("Message", err.message)}</Error>` +
          `${el("RequestId", requestId)}</ErrorResponse>\n`,
      };
    }
    case "sqs":
      return {
        status: err.status,
        headers: {
          "content-type": "application/x-amz-json-1.0",
          "x-amzn-requestid": requestId,
          "x-amzn-query-error": `${err.code};${err.type}`,
        },
        body: JSON.stringify({ __type: err.jsonType ?? `com.amazonaws.sqs#${err.code}`, message: err.message }),
      };
    case "imds":
      return { status: err.status, headers: { "content-type": "text/plain" }, body: err.message };
  }
}

/** XML namespace of each awsQuery service's answers. */
const QUERY_NAMESPACE = {
  elasticloadbalancing: ELB_NAMESPACE,
  elasticloadbalancingv2: ELBV2_NAMESPACE,
  autoscaling: AUTOSCALING_NAMESPACE,
  sts: STS_NAMESPACE,
};

// ---------------------------------------------------------------------------
// Common errors

export const sqsQueueDoesNotExist = (): AwsError =>
  new AwsError(400, "AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.", {
    jsonType: "com.amazonaws.sqs#QueueDoesNotExist",
  });

export function invalidAction(service: Service, action: string | undefined): AwsError {
  if (service === "sqs") {
    return new AwsError(400, "InvalidAction", `The action ${action ?? "(none)"} is not valid for this web service.`, {
      jsonType: "com.amazonaws.sqs#InvalidAction",
    });
  }
  return new AwsError(400, "InvalidAction", `The action ${action ?? "(none)"} is not valid for this web service.`);
}

/** A service's handler: its actions by name, and InvalidAction (as AWS answers) for any other. */
export function dispatch<I>(
  service: Service,
  actions: Record<string, (input: I, ctx: RequestContext) => WireResponse>,
): (input: I, ctx: RequestContext) => WireResponse {
  return (input, ctx) => {
    const handler = actions[ctx.action];
    if (!handler) throw invalidAction(service, ctx.action);
    return handler(input, ctx);
  };
}

/** IAM action prefix per service (`ec2:DescribeInstances`). */
const IAM_PREFIX: Record<Service, string> = {
  ec2: "ec2",
  elasticloadbalancing: "elasticloadbalancing",
  autoscaling: "autoscaling",
  elasticloadbalancingv2: "elasticloadbalancing",
  sqs: "sqs",
  sts: "sts",
  imds: "imds",
};

/** The error a real service returns for an injected fault (`hang`, `malformed`, `slow` are handled by the server). */
export function faultError(kind: FaultKind, service: Service, action: string, principalArn: string, resource = "*"): AwsError {
  const iamAction = `${IAM_PREFIX[service]}:${action}`;
  const denied =
    `User: ${principalArn} is not authorized to perform: ${iamAction}` +
    (service === "sts" ? ` on resource: ${resource}` : "") +
    ` because no identity-based policy allows the ${iamAction} action`;
  switch (kind) {
    case "throttle":
      if (service === "ec2") return new AwsError(503, "RequestLimitExceeded", "Request limit exceeded.");
      if (service === "sqs") {
        return new AwsError(400, "ThrottlingException", "Rate exceeded", { jsonType: "com.amazonaws.sqs#ThrottlingException" });
      }
      if (service === "imds") return new AwsError(429, "Throttling", "Too Many Requests");
      return new AwsError(400, "Throttling", "Rate exceeded");
    case "error500":
      if (service === "ec2") return new AwsError(500, "InternalError", "An internal error has occurred");
      if (service === "imds") return new AwsError(500, "InternalError", "Internal Server Error");
      return new AwsError(500, "InternalFailure", "We encountered an internal error. Please try again.", {
        jsonType: "com.amazonaws.sqs#InternalFailure",
      });
    case "accessDenied":
      if (service === "ec2") return new AwsError(403, "UnauthorizedOperation", `You are not authorized to perform this operation. ${denied}`);
      if (service === "sqs") {
        return new AwsError(403, "AccessDenied", denied, { jsonType: "com.amazon.coral.service#AccessDeniedException" });
      }
      if (service === "imds") return new AwsError(403, "Forbidden", "Forbidden");
      return new AwsError(403, "AccessDenied", denied);
    case "expiredToken":
      if (service === "ec2") return new AwsError(400, "RequestExpired", "Request has expired.");
      if (service === "sqs") {
        return new AwsError(403, "ExpiredToken", "The security token included in the request is expired", {
          jsonType: "com.amazon.coral.service#ExpiredTokenException",
        });
      }
      if (service === "imds") return new AwsError(401, "Unauthorized", "Unauthorized");
      return new AwsError(403, "ExpiredToken", "The security token included in the request is expired");
    case "authFailure":
      if (service === "ec2") return new AwsError(401, "AuthFailure", "AWS was not able to validate the provided access credentials");
      if (service === "sqs") {
        return new AwsError(403, "InvalidClientTokenId", "The security token included in the request is invalid.", {
          jsonType: "com.amazon.coral.service#UnrecognizedClientException",
        });
      }
      if (service === "imds") return new AwsError(401, "Unauthorized", "Unauthorized");
      return new AwsError(403, "InvalidClientTokenId", "The security token included in the request is invalid.");
    default:
      return new AwsError(500, "InternalError", `fake-aws: fault kind ${kind} has no error form`);
  }
}

/** A 200 response whose body is cut off mid-element (what a broken proxy or reset produces). */
export function malformedBody(service: Service, action: string): WireResponse {
  if (service === "sqs") {
    return { status: 200, headers: { "content-type": "application/x-amz-json-1.0" }, body: '{"QueueUrls":["http://trunc' };
  }
  if (service === "imds") return { status: 200, headers: { "content-type": "text/plain" }, body: "\u0000\u0001garbage<" };
  const ns = service === "ec2" ? EC2_NAMESPACE : QUERY_NAMESPACE[service];
  return {
    status: 200,
    headers: { "content-type": "text/xml;charset=UTF-8" },
    body: `${XML_DECL}<${action}Response xmlns="${esc(ns)}"><requestId>0</requestId><item><id>i-0</`,
  };
}
