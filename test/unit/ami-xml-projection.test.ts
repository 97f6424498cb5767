import { DescribeImagesCommand, EC2Client, paginateDescribeImages } from "@aws-sdk/client-ec2";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { projected, projectedPages, projectXmlList } from "../../src/aws/xml-projection";

const IMAGES =
  `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeImagesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">` +
  `<requestId>r-1</requestId><imagesSet>` +
  `<item><imageId>ami-1</imageId><imageLocation>123/web</imageLocation><isPublic/><name>web &amp; db</name>` +
  `<blockDeviceMapping><item><deviceName>/dev/xvda</deviceName><ebs><snapshotId>snap-1</snapshotId></ebs></item></blockDeviceMapping>` +
  `<tagSet><item><key>Src</key><value>i-1</value></item></tagSet><hypervisor>xen</hypervisor></item>` +
  `<item><imageId>ami-2</imageId><description>nested <b>no</b></description><name>two</name></item>` +
  `</imagesSet><nextToken>tok</nextToken></DescribeImagesResponse>`;

describe("projectXmlList", () => {
  const keep = new Set(["imageId", "name", "tagSet"]);

  it("keeps only the named children of each list item, whole (nested items included), and everything outside the list", () => {
    expect(projectXmlList(IMAGES, "imagesSet", keep)).toBe(
      `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeImagesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">` +
        `<requestId>r-1</requestId><imagesSet>` +
        `<item><imageId>ami-1</imageId><name>web &amp; db</name>` +
        `<tagSet><item><key>Src</key><value>i-1</value></item></tagSet></item>` +
        `<item><imageId>ami-2</imageId><name>two</name></item>` +
        `</imagesSet><nextToken>tok</nextToken></DescribeImagesResponse>`,
    );
  });

  it("handles a list that appears several times (instancesSet in every reservation)", () => {
    const xml = `<r><set><item><a>1</a><b>x</b></item></set><other><b>kept</b></other><set><item><b>y</b><a>2</a></item></set></r>`;
    expect(projectXmlList(xml, "set", new Set(["a"]))).toBe(`<r><set><item><a>1</a></item></set><other><b>kept</b></other><set><item><a>2</a></item></set></r>`);
  });

  it("drops an element that contains elements of its own name whole", () => {
    const xml = `<set><item><a>1</a><b><b>x</b><c/></b><a2/></item></set>`;
    expect(projectXmlList(xml, "set", new Set(["a"]))).toBe(`<set><item><a>1</a></item></set>`);
  });

  it("keeps an element that contains elements of its own name whole, and self-closing children as asked", () => {
    const xml = `<set><item><b><b>x</b><c/></b><a/><d/><a>2</a></item></set>`;
    expect(projectXmlList(xml, "set", new Set(["a", "b"]))).toBe(`<set><item><b><b>x</b><c/></b><a/><a>2</a></item></set>`);
  });

  it("leaves a truncated answer truncated, so the SDK still reports it unparseable", () => {
    const cut = IMAGES.slice(0, IMAGES.indexOf("<deviceName>") + 5);
    const projected = projectXmlList(cut, "imagesSet", keep);
    expect(projected.endsWith("<devi")).toBe(true);
  });
});

describe("projected on a real EC2 client", () => {
  it("the SDK parses the trimmed answer: kept fields present, dropped ones absent, paging token intact", async () => {
    const handler = {
      handle: async () => ({
        response: { statusCode: 200, headers: { "content-type": "text/xml" }, body: Readable.from([Buffer.from(IMAGES)]) },
      }),
    };
    const ec2 = new EC2Client({ region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "b" }, requestHandler: handler as never });
    const command = projected(new DescribeImagesCommand({ Owners: ["self"] }), { listTag: "imagesSet", keep: ["imageId", "name", "tagSet"] });
    const out = await ec2.send(command);
    expect(out.NextToken).toBe("tok");
    expect(out.Images).toEqual([
      { ImageId: "ami-1", Name: "web & db", Tags: [{ Key: "Src", Value: "i-1" }] },
      { ImageId: "ami-2", Name: "two" },
    ]);
  });

  it("trims only the call it was given: the next call on the same client gets every field", async () => {
    const handler = {
      handle: async () => ({
        response: { statusCode: 200, headers: { "content-type": "text/xml" }, body: Readable.from([Buffer.from(IMAGES)]) },
      }),
    };
    const ec2 = new EC2Client({ region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "b" }, requestHandler: handler as never });
    await ec2.send(projected(new DescribeImagesCommand({ Owners: ["self"] }), { listTag: "imagesSet", keep: ["imageId"] }));
    const whole = await ec2.send(new DescribeImagesCommand({ Owners: ["self"] }));
    expect(whole.Images?.[0]).toMatchObject({ ImageId: "ami-1", Name: "web & db", Tags: [{ Key: "Src", Value: "i-1" }] });
  });

  it("projectedPages trims every page a paginator asks for", async () => {
    let calls = 0;
    const handler = {
      handle: async () => {
        calls++;
        // The second page ends the listing: no token.
        const body = calls === 1 ? IMAGES : IMAGES.replace(/<nextToken>[^<]*<\/nextToken>/, "");
        return { response: { statusCode: 200, headers: { "content-type": "text/xml" }, body: Readable.from([Buffer.from(body)]) } };
      },
    };
    const ec2 = new EC2Client({ region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "b" }, requestHandler: handler as never });
    const pages = paginateDescribeImages({ client: ec2, ...projectedPages({ listTag: "imagesSet", keep: ["imageId"] }) }, { Owners: ["self"] });
    const seen = [];
    for await (const page of pages) seen.push(page.Images);
    expect(seen).toEqual([
      [{ ImageId: "ami-1" }, { ImageId: "ami-2" }],
      [{ ImageId: "ami-1" }, { ImageId: "ami-2" }],
    ]);
  });
});
