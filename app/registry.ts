import type { CommandEntry } from "../src/definition";

/**
 * Every command of the multi-call binary. Definitions load on first use, so a local check never
 * evaluates the AWS SDK modules another command needs.
 */
export const COMMANDS: CommandEntry[] = [
  {
    name: "check_instance_events",
    summary: "EC2 scheduled events (reboot, retirement, stop, maintenance)",
    load: async () => (await import("../checks/check_instance_events/index")).default,
  },
  {
    name: "check_ami_freshness",
    summary: "a recent, available AMI backup of each instance",
    load: async () => (await import("../checks/check_ami_freshness/index")).default,
  },
  {
    name: "check_queue_backlog",
    summary: "SQS backlog, in-flight messages and dead-letter queues",
    load: async () => (await import("../checks/check_queue_backlog/index")).default,
  },
  {
    name: "check_elb_health",
    summary: "classic load balancer instance health (InService counts)",
    load: async () => (await import("../checks/check_elb_health/index")).default,
  },
  {
    name: "check_asg_health",
    summary: "Auto Scaling groups: capacity in service, stuck instances, suspended processes",
    load: async () => (await import("../checks/check_asg_health/index")).default,
  },
  {
    name: "check_efs_mount",
    summary: "EFS/NFS (or any) mount: mounted, right file system, answering, in fstab",
    load: async () => (await import("../checks/check_efs_mount/index")).default,
  },
  {
    // check_efs_mount re-executes the binary as this command to touch a mount in a killable child.
    name: "__mount-probe",
    summary: "internal: probe one mount for check_efs_mount",
    hidden: true,
    load: async () => (await import("../checks/check_efs_mount/probe-command")).default,
  },
  {
    name: "check_serverscore",
    summary: "host load as a score 1-100, here or over SSH across hosts or an ELB",
    load: async () => (await import("../checks/check_serverscore/index")).default,
  },
  {
    name: "serverscore",
    summary: "print this host's score (the probe check_serverscore runs over SSH)",
    load: async () => (await import("../checks/serverscore/index")).default,
  },
];
