import { EC2Client, type Filter, type Image, type Instance, paginateDescribeImages, paginateDescribeInstances } from "@aws-sdk/client-ec2";
import { type AwsConnection, awsRegions } from "../../src/aws/connect";
import { nameTag } from "../../src/aws/ec2-instances";
import { batches } from "../../src/concurrency";
import { type Projection, projectedPages } from "../../src/aws/xml-projection";
import { releaseMemory } from "../../src/memory";
import { type Elbv2Ref, refText } from "../../src/aws/elbv2-name";
import type { AwsSettings } from "../../src/aws/options";
import type { RegionalPort } from "../../src/aws/regions";
import type { Context } from "../../src/context";
import { type ImageInfo, isNamed, type SelectedInstance, type Selection } from "./judge";

interface RegionInstances {
  instances: SelectedInstance[];
  /** `--elb NAME` / `--target-group NAME|ARN` / `--asg NAME` (as groupsNamed labels them) that name nothing in this region. */
  missingGroups: string[];
}

/** What check_ami_freshness reads in one region. */
export interface BackupSource {
  /** The instances registered with each --elb name; undefined for a name with no load balancer here. */
  elbRegistrations(names: string[]): Promise<Map<string, string[] | undefined>>;
  /** The InService instances of each --asg group; undefined for a name with no group here. */
  asgInstances(names: string[]): Promise<Map<string, string[] | undefined>>;
  /**
   * The instances registered with each --target-group (by name or ARN as given), whatever their health,
   * `ip` targets matched by private IP; undefined for one that does not exist here.
   */
  targetGroupRegistrations(refs: Elbv2Ref[]): Promise<Map<string, string[] | undefined>>;
  /** `members`: the instances of each load balancer, target group and Auto Scaling group named, by groupsNamed label. */
  selectInstances(selection: Selection, members: Map<string, string[] | undefined>): Promise<RegionInstances>;
  /** Every image the account owns, handed over page by page; returns how many there were. */
  readImages(take: (images: ImageInfo[]) => void): Promise<number>;
}

type BackupPort = RegionalPort<BackupSource>;

export function connectBackups(settings: AwsSettings, instanceTag: string | undefined, ctx: Context): BackupPort {
  return awsRegions(settings, ctx, (conn, region) => new Ec2BackupSource(conn, region, instanceTag));
}

const PAGE = 1000; // the most DescribeInstances and DescribeImages give per call
const IDS_PER_FILTER = 200;
// Stopped instances still need backups when named, but an instance on its way out never does.
const GONE = new Set(["shutting-down", "terminated"]);
// The only fields read below: parsing the rest of 20 MB of images is most of the run's time. Image tags
// are kept only when --instance-tag needs them.
const IMAGE_FIELDS = ["imageId", "imageState", "creationDate", "sourceInstanceId", "name"];
const INSTANCE_FIELDS: Projection = { listTag: "instancesSet", keep: ["instanceId", "instanceState", "tagSet"] };

/** The EC2 side of check_ami_freshness: which instances, then every image of the account, once. */
class Ec2BackupSource implements BackupSource {
  private readonly ec2: EC2Client;

  constructor(
    private readonly conn: AwsConnection,
    private readonly region: string,
    /** --instance-tag: the image tag that names an instance. */
    private readonly instanceTag?: string,
  ) {
    this.ec2 = conn.client(EC2Client, region);
  }

  /**
   * --instance-id, --elb, --target-group and --asg name instances (together); --tag narrows, --exclude-tag
   * removes. Without names, every running instance (with the tags). Only instances named by id may be stopped.
   */
  async selectInstances(selection: Selection, members: Map<string, string[] | undefined>): Promise<RegionInstances> {
    const missingGroups = [...members].filter(([, ids]) => ids === undefined).map(([label]) => label);
    const fromGroups = [...members.values()].flatMap((ids) => ids ?? []);
    const named = isNamed(selection);
    const ids = [...new Set([...selection.instanceIds, ...fromGroups])];
    if (named && ids.length === 0) return { instances: [], missingGroups };

    const tagFilters: Filter[] = selection.tags.map((t) => ({ Name: `tag:${t.key}`, Values: [t.value] }));
    const found: Instance[] = [];
    const read = async (filters: Filter[]) => {
      const pages = paginateDescribeInstances({ client: this.ec2, pageSize: PAGE, ...projectedPages(INSTANCE_FIELDS) }, { Filters: filters }, this.conn.sendOptions);
      for await (const page of pages) for (const r of page.Reservations ?? []) found.push(...(r.Instances ?? []));
    };
    if (named) {
      // An instance-id filter (unlike InstanceIds) does not fail the whole call for one unknown id.
      for (const batch of batches(ids, IDS_PER_FILTER)) await read([{ Name: "instance-id", Values: batch }, ...tagFilters]);
    } else {
      await read([...tagFilters, { Name: "instance-state-name", Values: ["running"] }]);
    }

    const byId = new Set(selection.instanceIds);
    const instances = found
      .filter((i) => i.InstanceId && !GONE.has(i.State?.Name ?? ""))
      .filter((i) => i.State?.Name === "running" || byId.has(i.InstanceId as string))
      .filter((i) => !selection.excludeTags.some((x) => i.Tags?.some((t) => t.Key === x.key && t.Value === x.value)))
      .map((i) => ({ id: i.InstanceId as string, name: nameTag(i), region: this.region }));
    return { instances, missingGroups };
  }

  async elbRegistrations(names: string[]): Promise<Map<string, string[] | undefined>> {
    const out = new Map<string, string[] | undefined>(names.map((n) => [n, undefined]));
    if (names.length === 0) return out;
    // Loaded only with --elb: most runs never pay for the ELB client.
    const { ClassicElb, isLoadBalancerNotFound } = await import("../../src/aws/elb");
    const elb = new ClassicElb(this.conn, this.region);
    await Promise.all(
      names.map(async (name) => {
        try {
          out.set(name, await elb.registeredInstances(name));
        } catch (err) {
          if (!isLoadBalancerNotFound(err)) throw err;
        }
      }),
    );
    return out;
  }

  async asgInstances(names: string[]): Promise<Map<string, string[] | undefined>> {
    if (names.length === 0) return new Map();
    // Loaded only with --asg: most runs never pay for the Auto Scaling client.
    const { asgInServiceInstances } = await import("../../src/aws/asg");
    return asgInServiceInstances(this.conn, this.region, names);
  }

  async targetGroupRegistrations(refs: Elbv2Ref[]): Promise<Map<string, string[] | undefined>> {
    const out = new Map<string, string[] | undefined>();
    if (refs.length === 0) return out;
    // Loaded only with --target-group: most runs never pay for the ELBv2 client.
    const { targetGroupInstanceIds } = await import("../../src/aws/elbv2");
    for (const ref of refs) out.set(refText(ref), await targetGroupInstanceIds(this.conn, this.region, ref));
    return out;
  }

  /**
   * Every image the account owns, all pages, handed over page by page and then let go: 20,000 images
   * cost twenty calls and never sit in memory as SDK objects.
   */
  async readImages(take: (images: ImageInfo[]) => void): Promise<number> {
    let count = 0;
    const fields: Projection = { listTag: "imagesSet", keep: this.instanceTag === undefined ? IMAGE_FIELDS : [...IMAGE_FIELDS, "tagSet"] };
    const pages = paginateDescribeImages({ client: this.ec2, pageSize: PAGE, ...projectedPages(fields) }, { Owners: ["self"] }, this.conn.sendOptions);
    for await (const page of pages) {
      const images = (page.Images ?? []).map((i) => toInfo(i, this.instanceTag)).filter((i): i is ImageInfo => i !== undefined);
      count += images.length;
      take(images);
      releaseMemory();
    }
    return count;
  }
}

function toInfo(image: Image, instanceTag: string | undefined): ImageInfo | undefined {
  // CreationDate is an ISO string (the SDK leaves it unparsed); an image without one cannot be aged.
  const created = image.CreationDate ? new Date(image.CreationDate) : undefined;
  if (!image.ImageId || created === undefined || Number.isNaN(created.getTime())) return undefined;
  return {
    id: image.ImageId,
    name: image.Name ?? "",
    state: image.State ?? "unknown",
    created,
    sourceInstanceId: image.SourceInstanceId,
    instanceTagValue: instanceTag === undefined ? undefined : image.Tags?.find((t) => t.Key === instanceTag)?.Value,
  };
}
