import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import type { Context } from "../context";
import type { AwsSettings } from "./options";
import { annotateErrors } from "./errors";
import { resolveRegions } from "./region";
import type { RegionalPort } from "./regions";
import { type AwsHttpHandler, httpHandlerFor } from "./http-handler";
import { proxyRules } from "./proxy";

/** The parts of an SDK client's config that every client of a run shares. */
export interface ClientConfig {
  region: string;
  endpoint?: string;
  profile?: string;
  maxAttempts: number;
  credentials?: AwsCredentialIdentityProvider;
  /** Proxy, CA bundle: one handler shared by every client of the run. */
  requestHandler: AwsHttpHandler;
}

/** A client the layer can decorate; every SDK v3 client qualifies. */
interface DecoratableClient {
  middlewareStack: { add: (...args: never[]) => void };
}

/**
 * Builds clients for one run: the only place SDK clients are created. The role is assumed once per run
 * and its credentials shared by every client and region.
 */
export class AwsConnection {
  private assumed?: Promise<AwsCredentialIdentity>;
  private readonly handler: AwsHttpHandler;

  constructor(
    readonly settings: AwsSettings,
    private readonly ctx: Context,
  ) {
    this.handler = httpHandlerFor({
      proxy: proxyRules(settings.proxy, ctx.env),
      profile: settings.profile,
      env: ctx.env,
      note: (text) => ctx.debug(2, text),
    });
  }

  config(region: string): ClientConfig {
    return {
      region,
      endpoint: this.settings.endpointUrl,
      profile: this.settings.profile,
      maxAttempts: this.settings.maxAttempts,
      credentials: this.settings.roleArn ? () => this.assumeRole(region) : undefined,
      requestHandler: this.handler,
    };
  }

  /** `new EC2Client(conn.config(region))` passed through here gets error annotation. */
  client<C extends DecoratableClient>(make: (config: ClientConfig) => C, region: string): C {
    const client = make(this.config(region));
    annotateErrors(client);
    return client;
  }

  /** Options for every `send`: the run's deadline aborts the call. */
  get sendOptions(): { abortSignal: AbortSignal } {
    return { abortSignal: this.ctx.signal };
  }

  private assumeRole(region: string): Promise<AwsCredentialIdentity> {
    this.assumed ??= (async () => {
      this.ctx.stage("assuming role (sts:AssumeRole)");
      // Loaded only when a role is asked for: most runs never pay for the STS client.
      const { STSClient, AssumeRoleCommand } = await import("@aws-sdk/client-sts");
      const sts = new STSClient({ ...this.config(region), credentials: undefined });
      annotateErrors(sts);
      const out = await sts.send(
        new AssumeRoleCommand({
          RoleArn: this.settings.roleArn,
          ExternalId: this.settings.externalId,
          RoleSessionName: "aws-checks",
          DurationSeconds: 900,
        }),
        this.sendOptions,
      );
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error("sts:AssumeRole returned no credentials");
      return {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        sessionToken: c.SessionToken,
        expiration: c.Expiration,
      };
    })();
    return this.assumed;
  }
}

/** The real RegionalPort: one connection per run (one role assumption), one source per region. */
export function awsRegions<S>(settings: AwsSettings, ctx: Context, source: (conn: AwsConnection, region: string) => S): RegionalPort<S> {
  const conn = new AwsConnection(settings, ctx);
  return { regions: () => resolveRegions(conn, ctx), in: (region) => source(conn, region) };
}
