/**
 * Scenario model of Auto Scaling groups and a deterministic builder for many of them.
 * A group's members name EC2 instances by id; give the region the matching `instances` too
 * when a test needs their addresses or launch times (DescribeInstances).
 */
import type { Instance } from "./scenario";

export type AsgLifecycleState =
  | "Pending"
  | "Pending:Wait"
  | "Pending:Proceed"
  | "Quarantined"
  | "InService"
  | "Terminating"
  | "Terminating:Wait"
  | "Terminating:Proceed"
  | "Terminated"
  | "Detaching"
  | "Detached"
  | "EnteringStandby"
  | "Standby";

export interface AsgMember {
  id: string;
  /** Default "InService". */
  lifecycleState?: AsgLifecycleState;
  /** Default "Healthy". */
  healthStatus?: "Healthy" | "Unhealthy";
  /** Default `<region>a`. */
  availabilityZone?: string;
  /** Default "t3.micro". */
  instanceType?: string;
}

/** One entry of DescribeScalingActivities. */
export interface ScalingActivity {
  /** Default: derived from the group name and position. */
  id?: string;
  /** AWS writes "Launching a new EC2 instance: i-…" or "Terminating EC2 instance: i-…". */
  description: string;
  cause?: string;
  startTime: Date;
  endTime?: Date;
  /** PreInService, InProgress, MidLifecycleAction, Successful, Failed, Cancelled, … */
  statusCode: string;
  statusMessage?: string;
  /** Default 100 when endTime is set, else 30. */
  progress?: number;
}

export interface AutoScalingGroup {
  name: string;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  instances: AsgMember[];
  tags?: Record<string, string>;
  /** Suspended process names (Launch, Terminate, HealthCheck, ReplaceUnhealthy, AZRebalance, …). */
  suspendedProcesses?: string[];
  /** Newest first, as DescribeScalingActivities returns them. */
  activities?: ScalingActivity[];
  availabilityZones?: string[];
  /** Default "EC2". */
  healthCheckType?: "EC2" | "ELB";
  createdTime?: Date;
}

/** A launch activity as AWS writes it, for an instance that started launching at `startTime`. */
export function launchActivity(instanceId: string, startTime: Date, statusCode = "MidLifecycleAction", endTime?: Date): ScalingActivity {
  return {
    description: `Launching a new EC2 instance: ${instanceId}`,
    cause: `At ${startTime.toISOString().slice(0, 19)}Z an instance was started in response to a difference between desired and actual capacity.`,
    startTime,
    endTime,
    statusCode,
  };
}

/** A termination activity as AWS writes it. */
export function terminateActivity(instanceId: string, startTime: Date, statusCode = "InProgress", endTime?: Date): ScalingActivity {
  return {
    description: `Terminating EC2 instance: ${instanceId}`,
    cause: `At ${startTime.toISOString().slice(0, 19)}Z an instance was taken out of service in response to an EC2 health check indicating it has been terminated or stopped.`,
    startTime,
    endTime,
    statusCode,
  };
}

export interface AutoScalingGroupsOptions {
  count: number;
  /** Name = `${prefix}-${n}` (1-based). Default "asg". */
  prefix?: string;
  /** Instances handed out in order, `perGroup` to a group (cycling when the pool runs out). */
  instances?: readonly Instance[];
  /** Members of each group. Default 2. */
  perGroup?: number;
  /** MinSize of every group. Default 1. */
  minSize?: number;
  /** Tags of group i (0-based). */
  tags?: (index: number) => Record<string, string>;
}

/** `count` healthy groups, desired = members, min = `minSize`, max = desired + 2. */
export function makeAutoScalingGroups(opts: AutoScalingGroupsOptions): AutoScalingGroup[] {
  const per = opts.perGroup ?? 2;
  const pool = opts.instances ?? [];
  const out: AutoScalingGroup[] = new Array(opts.count);
  let cursor = 0;
  for (let i = 0; i < opts.count; i++) {
    const members: AsgMember[] = [];
    for (let k = 0; k < per && pool.length > 0; k++) {
      const inst = pool[cursor % pool.length] as Instance;
      cursor++;
      members.push({ id: inst.id, availabilityZone: inst.availabilityZone });
    }
    out[i] = {
      name: `${opts.prefix ?? "asg"}-${i + 1}`,
      minSize: Math.min(opts.minSize ?? 1, members.length),
      maxSize: members.length + 2,
      desiredCapacity: members.length,
      instances: members,
      tags: opts.tags?.(i),
    };
  }
  return out;
}
