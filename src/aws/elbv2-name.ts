import { UsageError } from "../errors";

/** A target group or ALB/NLB/GWLB as given on the command line: a name, or an ARN. */
export interface Elbv2Ref {
  /** The name: given, or read from the ARN. */
  name: string;
  arn?: string;
}

// Target group and ALB/NLB/GWLB names: 1-32 letters, digits and hyphens, neither first nor last a hyphen.
const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/;
const TG_ARN = /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:targetgroup\/([^/]+)\/[0-9a-f]+$/;
const LB_ARN = /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:loadbalancer\/(?:app|net|gwy)\/([^/]+)\/[0-9a-f]+$/;

function ref(text: string, flag: string, arn: RegExp, what: string, example: string): Elbv2Ref {
  if (text.startsWith("arn:")) {
    const m = arn.exec(text);
    if (!m) throw new UsageError(`${flag}: '${text}' is not ${what} ARN (${example})`);
    return { name: m[1], arn: text };
  }
  if (!NAME.test(text)) throw new UsageError(`${flag}: '${text}' is not ${what} name (1-32 letters, digits, hyphens) or ARN`);
  return { name: text };
}

/** A `--target-group NAME|ARN` value, validated; no SDK code is loaded to do it. Use with `value`/`values`. */
export function targetGroupRef(text: string, flag: string): Elbv2Ref {
  return ref(text, flag, TG_ARN, "a target group", "arn:aws:elasticloadbalancing:REGION:ACCOUNT:targetgroup/NAME/ID");
}

/** A `--load-balancer NAME|ARN` value (ALB, NLB or GWLB), validated. */
export function loadBalancerRef(text: string, flag: string): Elbv2Ref {
  return ref(text, flag, LB_ARN, "an ALB/NLB/GWLB", "arn:aws:elasticloadbalancing:REGION:ACCOUNT:loadbalancer/app/NAME/ID");
}

/** How a reference was given: its ARN, or its name. */
export function refText(r: Elbv2Ref): string {
  return r.arn ?? r.name;
}

/** The name in an ALB/NLB/GWLB ARN (`…:loadbalancer/app/web/0123…` is `web`), or the ARN when it has none. */
export function loadBalancerNameOf(arn: string): string {
  return LB_ARN.exec(arn)?.[1] ?? arn;
}

/** The region in an ELBv2 ARN, if it is one. */
export function regionOfArn(arn: string): string | undefined {
  return /^arn:aws[a-z-]*:elasticloadbalancing:([a-z0-9-]+):/.exec(arn)?.[1];
}
