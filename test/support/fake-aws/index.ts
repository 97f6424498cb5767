/** Public surface of the loopback fake AWS endpoint used by e2e tests and benchmarks. */
export { startFakeAws } from "./server";
export type { CallFilter, CallRecord, FakeAws, FaultSpec, StartOptions } from "./server";
export type { FaultKind, Service } from "./errors";
export type { AssumedRole } from "./context";
export {
  DEFAULT_ACCOUNT_ID,
  INSTANCE_STATE_CODES,
  defaultEvent,
  eventIdFor,
  imageId,
  instanceId,
  makeFleet,
  makeImages,
  makeImagesFor,
  loadBalancerV2Arn,
  makeLoadBalancers,
  makeQueues,
  makeTargetGroups,
  snapshotId,
  targetGroupArn,
} from "./scenario";
export type {
  ElbInstanceState,
  FleetOptions,
  Image,
  ImageState,
  ImagesForOptions,
  ImagesOptions,
  ImdsEvent,
  ImdsModel,
  Instance,
  InstanceEvent,
  InstanceEventCode,
  InstanceStateName,
  LoadBalancer,
  LoadBalancerMember,
  LoadBalancersOptions,
  LoadBalancerV2,
  LoadBalancerV2Type,
  Queue,
  QueuesOptions,
  RegionModel,
  Scenario,
  StatusCheck,
  StatusDetail,
  StatusDetailStatus,
  StatusSummary,
  Target,
  TargetGroup,
  TargetGroupsOptions,
  TargetHealthState,
  TargetType,
} from "./scenario";
export { launchActivity, makeAutoScalingGroups, terminateActivity } from "./autoscaling-scenario";
export type { AsgLifecycleState, AsgMember, AutoScalingGroup, AutoScalingGroupsOptions, ScalingActivity } from "./autoscaling-scenario";
export { PRESETS, presetScenario } from "./presets";
export { imdsDate } from "./imds";
export { queueArn } from "./sqs";
