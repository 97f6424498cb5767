/**
 * Named scenarios for benchmarks and the CLI. Each preset is a function so
 * large fleets are only built when asked for.
 */
import {
  type Scenario,
  instanceId,
  makeFleet,
  makeImagesFor,
  makeLoadBalancers,
  makeQueues,
  makeTargetGroups,
} from "./scenario";

const DAY = 86_400_000;

function hourNow(): Date {
  return new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
}

/** A handful of everything, in two regions; IMDS is instance 1 in us-east-1 with one scheduled event. */
export function smallPreset(now: Date = hourNow()): Scenario {
  const fleet = makeFleet({ region: "us-east-1", count: 5, prefix: "web", now, tags: { Env: "prod" } });
  const [first, , , stopped] = fleet;
  if (first) {
    first.events = [
      {
        code: "system-reboot",
        description: "scheduled reboot",
        notBefore: new Date(now.getTime() + 2 * DAY),
        notAfter: new Date(now.getTime() + 2 * DAY + 2 * 3_600_000),
        notBeforeDeadline: new Date(now.getTime() + 9 * DAY),
      },
    ];
  }
  if (stopped) {
    stopped.state = "stopped";
    stopped.events = [
      { code: "instance-retirement", description: "The instance is running on degraded hardware", notBefore: new Date(now.getTime() + 5 * DAY) },
    ];
  }
  const euFleet = makeFleet({ region: "eu-west-1", count: 2, prefix: "worker", idStart: 0x1000, now, tags: { Env: "staging" } });
  return {
    regions: {
      "us-east-1": {
        instances: fleet,
        images: makeImagesFor(fleet, { perInstance: 3, now }),
        loadBalancers: makeLoadBalancers({
          count: 2,
          prefix: "web",
          instances: fleet.slice(0, 4),
          instancesPerLb: 2,
          memberState: (lb, k) => (lb === 1 && k === 1 ? "OutOfService" : "InService"),
        }),
        queues: [
          { name: "orders", visible: 12, inFlight: 2, delayed: 0, redrive: { deadLetterTargetName: "orders-dlq", maxReceiveCount: 5 } },
          { name: "orders-dlq", visible: 3 },
          { name: "emails", visible: 0 },
        ],
      },
      "eu-west-1": { instances: euFleet, queues: [{ name: "eu-jobs", visible: 1 }] },
    },
    imds: {
      region: "us-east-1",
      instanceId: first?.id ?? instanceId(1),
      availabilityZone: first?.availabilityZone ?? "us-east-1a",
      scheduledEvents: first?.events?.map((e) => ({
        code: e.code,
        description: e.description,
        notBefore: e.notBefore,
        notAfter: e.notAfter,
        eventId: "instance-event-0d59937288b749b32",
      })),
    },
  };
}

/**
 * 10,000 running instances in us-east-1; every 10th (1,000) has one pending system-reboot. Their status
 * checks (read by check_instance_status): 10 with an impaired system check (for two hours), 10 with an
 * attached-EBS check short of data, the rest ok.
 */
export function events10000Preset(now: Date = hourNow()): Scenario {
  const impairedSince = new Date(now.getTime() - 2 * 3_600_000);
  const fleet = makeFleet({
    region: "us-east-1",
    count: 10_000,
    eventEvery: 10,
    now,
    statusChecks: (i) => {
      if (i % 1000 === 3) return { systemStatus: { status: "impaired", impairedSince } };
      if (i % 1000 === 503) return { attachedEbsStatus: "insufficient-data" };
      return undefined;
    },
  });
  return {
    regions: { "us-east-1": { instances: fleet } },
    imds: { region: "us-east-1", instanceId: instanceId(1), availabilityZone: "us-east-1a" },
  };
}

/** A fleet of `count` running instances in us-east-1; every 10th has one pending system-reboot (bench/peers.sh). */
function eventsFleetPreset(count: number) {
  return (now: Date = hourNow()): Scenario => ({
    regions: { "us-east-1": { instances: makeFleet({ region: "us-east-1", count, eventEvery: 10, now }) } },
  });
}

/** 2,000 instances with 10 daily AMIs each (20,000 images). */
export function images2000x10Preset(now: Date = hourNow()): Scenario {
  const fleet = makeFleet({ region: "us-east-1", count: 2_000, now });
  return {
    regions: { "us-east-1": { instances: fleet, images: makeImagesFor(fleet, { perInstance: 10, now }) } },
    imds: { region: "us-east-1", instanceId: instanceId(1), availabilityZone: "us-east-1a" },
  };
}

/** 450 classic ELBs with 2 instances each (900 instances); member 0 of every 50th LB is OutOfService. */
export function elb450Preset(now: Date = hourNow()): Scenario {
  const fleet = makeFleet({ region: "us-east-1", count: 900, now });
  return {
    regions: {
      "us-east-1": {
        instances: fleet,
        loadBalancers: makeLoadBalancers({
          count: 450,
          instances: fleet,
          instancesPerLb: 2,
          memberState: (lb, k) => (lb % 50 === 0 && k === 0 ? "OutOfService" : "InService"),
        }),
      },
    },
    imds: { region: "us-east-1", instanceId: instanceId(1), availabilityZone: "us-east-1a" },
  };
}

/**
 * 900 ALB target groups with 2 instance targets each, spread over 30 ALBs (30 groups each); both targets of
 * the last group (`tg-900`, on the third DescribeTargetGroups page) are unhealthy.
 */
export function elbv2900Preset(now: Date = hourNow()): Scenario {
  const fleet = makeFleet({ region: "us-east-1", count: 1_800, now });
  return {
    regions: {
      "us-east-1": {
        instances: fleet,
        loadBalancersV2: Array.from({ length: 30 }, (_, i) => ({ name: `alb-${i + 1}` })),
        targetGroups: makeTargetGroups({
          count: 900,
          instances: fleet,
          targetState: (tg) => (tg === 899 ? "unhealthy" : "healthy"),
          loadBalancers: (tg) => [`alb-${Math.floor(tg / 30) + 1}`],
        }),
      },
    },
    imds: { region: "us-east-1", instanceId: instanceId(1), availabilityZone: "us-east-1a" },
  };
}

/** 1,500 queues (750 + their DLQs) in us-east-1: ListQueues must page past 1,000. */
export function sqs1500Preset(): Scenario {
  return {
    regions: {
      "us-east-1": { queues: makeQueues({ count: 750, withDlq: true, depth: (i) => ({ visible: i % 7, inFlight: i % 3 }) }) },
    },
  };
}

export const PRESETS: Record<string, (now?: Date) => Scenario> = {
  small: smallPreset,
  "events-20": eventsFleetPreset(20),
  "events-2000": eventsFleetPreset(2_000),
  "events-10000": events10000Preset,
  "images-2000x10": images2000x10Preset,
  "elb-450": elb450Preset,
  "elbv2-900": elbv2900Preset,
  "sqs-1500": sqs1500Preset,
};

export function presetScenario(name: string, now?: Date): Scenario {
  const make = PRESETS[name];
  if (!make) throw new Error(`unknown preset '${name}' (known: ${Object.keys(PRESETS).join(", ")})`);
  return make(now);
}
