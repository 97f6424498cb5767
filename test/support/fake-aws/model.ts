/**
 * Precomputed lookup structures over a Scenario. Built once per
 * `setScenario()` (regions lazily, on first use), so request handlers never
 * scan for ids and can cache rendered XML per item.
 */
import { DEFAULT_ACCOUNT_ID } from "./scenario";
import type { Image, Instance, LoadBalancer, Queue, RegionModel, Scenario } from "./scenario";
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
  /** Rendered-XML caches (item → fragment), valid for the lifetime of this index. */
  readonly statusXml = new Map<Instance, string>();
  readonly instanceXml = new Map<Instance, string>();
  readonly imageXml = new Map<Image, string>();
  readonly lbXml = new Map<LoadBalancer, string>();
  readonly asgXml = new Map<AutoScalingGroup, string>();

  constructor(name: string, model: RegionModel | undefined) {
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
      idx = new RegionIndex(name, this.scenario.regions[name]);
      this.regions.set(name, idx);
    }
    return idx;
  }
}
