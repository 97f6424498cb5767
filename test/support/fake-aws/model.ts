/**
 * Precomputed lookup structures over a Scenario. Built once per
 * `setScenario()` (regions lazily, on first use), so request handlers never
 * scan for ids and can cache rendered XML per item.
 */
import { DEFAULT_ACCOUNT_ID, loadBalancerV2Arn, targetGroupArn } from "./scenario";
import type { Image, Instance, LoadBalancer, LoadBalancerV2, Queue, RegionModel, Scenario, TargetGroup } from "./scenario";
import type { AutoScalingGroup } from "./autoscaling-scenario";

export class RegionIndex {
  readonly name: string;
  readonly model: RegionModel;
  /** false when the scenario does not list this region (it then behaves as an empty region). */
  readonly known: boolean;
  readonly instances: readonly Instance[];
  readonly instanceById: ReadonlyMap<string, Instance>;
  readonly images: readonly Image[];
  readonly imageById: ReadonlyMap<string, Image>;
  readonly loadBalancers: readonly LoadBalancer[];
  readonly lbByName: ReadonlyMap<string, LoadBalancer>;
  readonly queues: readonly Queue[];
  readonly queueByName: ReadonlyMap<string, Queue>;
  readonly autoScalingGroups: readonly AutoScalingGroup[];
  readonly asgByName: ReadonlyMap<string, AutoScalingGroup>;
  readonly targetGroups: readonly TargetGroup[];
  readonly tgByName: ReadonlyMap<string, TargetGroup>;
  readonly tgByArn: ReadonlyMap<string, TargetGroup>;
  readonly tgArn: ReadonlyMap<TargetGroup, string>;
  readonly loadBalancersV2: readonly LoadBalancerV2[];
  readonly lbV2ByName: ReadonlyMap<string, LoadBalancerV2>;
  readonly lbV2ByArn: ReadonlyMap<string, LoadBalancerV2>;
  readonly lbV2Arn: ReadonlyMap<LoadBalancerV2, string>;
  /** Target groups of each ALB/NLB/GWLB, by its ARN. */
  readonly tgsOfLb: ReadonlyMap<string, TargetGroup[]>;
  /** Rendered-XML caches (item → fragment), valid for the lifetime of this index. */
  readonly statusXml = new Map<Instance, string>();
  readonly instanceXml = new Map<Instance, string>();
  readonly imageXml = new Map<Image, string>();
  readonly lbXml = new Map<LoadBalancer, string>();
  readonly asgXml = new Map<AutoScalingGroup, string>();
  readonly tgXml = new Map<TargetGroup, string>();
  readonly lbV2Xml = new Map<LoadBalancerV2, string>();

  constructor(name: string, model: RegionModel | undefined, accountId = DEFAULT_ACCOUNT_ID) {
    this.name = name;
    this.known = model !== undefined;
    this.model = model ?? {};
    this.instances = this.model.instances ?? [];
    this.instanceById = new Map(this.instances.map((i) => [i.id, i]));
    this.images = this.model.images ?? [];
    this.imageById = new Map(this.images.map((i) => [i.id, i]));
    this.loadBalancers = this.model.loadBalancers ?? [];
    this.lbByName = new Map(this.loadBalancers.map((l) => [l.name, l]));
    this.queues = this.model.queues ?? [];
    this.queueByName = new Map(this.queues.map((q) => [q.name, q]));
    this.autoScalingGroups = this.model.autoScalingGroups ?? [];
    this.asgByName = new Map(this.autoScalingGroups.map((g) => [g.name, g]));
    this.targetGroups = this.model.targetGroups ?? [];
    this.tgArn = new Map(this.targetGroups.map((t) => [t, targetGroupArn(t.name, name, accountId)]));
    this.tgByName = new Map(this.targetGroups.map((t) => [t.name, t]));
    this.tgByArn = new Map(this.targetGroups.map((t) => [this.tgArn.get(t) as string, t]));
    this.loadBalancersV2 = this.model.loadBalancersV2 ?? [];
    this.lbV2Arn = new Map(this.loadBalancersV2.map((l) => [l, loadBalancerV2Arn(l.name, l.type, name, accountId)]));
    this.lbV2ByName = new Map(this.loadBalancersV2.map((l) => [l.name, l]));
    this.lbV2ByArn = new Map(this.loadBalancersV2.map((l) => [this.lbV2Arn.get(l) as string, l]));
    const tgsOfLb = new Map<string, TargetGroup[]>();
    for (const tg of this.targetGroups) {
      for (const lbName of tg.loadBalancers ?? []) {
        const lb = this.lbV2ByName.get(lbName);
        if (!lb) continue;
        const arn = this.lbV2Arn.get(lb) as string;
        tgsOfLb.set(arn, [...(tgsOfLb.get(arn) ?? []), tg]);
      }
    }
    this.tgsOfLb = tgsOfLb;
  }

  /** Default AZ of an instance that does not specify one. */
  azOf(inst: Instance): string {
    return inst.availabilityZone ?? `${this.name}a`;
  }
}

export class ScenarioIndex {
  readonly scenario: Scenario;
  readonly accountId: string;
  private readonly regions = new Map<string, RegionIndex>();

  constructor(scenario: Scenario) {
    this.scenario = scenario;
    this.accountId = scenario.accountId ?? DEFAULT_ACCOUNT_ID;
  }

  region(name: string): RegionIndex {
    let idx = this.regions.get(name);
    if (!idx) {
      idx = new RegionIndex(name, this.scenario.regions[name], this.accountId);
      this.regions.set(name, idx);
    }
    return idx;
  }
}
