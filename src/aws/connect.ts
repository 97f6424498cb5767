import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import type { Context } from "../context";
import type { AwsSettings } from "./options";
import { annotateErrors } from "./errors";
import { resolveRegions } from "./region";
import type { RegionalPort } from "./regions";
import { type AwsHttpHandler, httpHandlerFor } from "./http-handler";
import { proxyRules } from "./proxy";

/** The parts of an SDK client's config that every client of a run shares. */
interface ClientConfig {
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

/** An SDK client class (EC2Client, SQSClient...): the key of the shared clients. */
type ClientClass<C> = new (config: ClientConfig) => C;

// What every run of this process shares. A check is one run per process, but the gate runs many checks
// in one: 20 entries with the same --role-arn assume the role once, and entries reading the same
// service and region through the same settings send through one client (one connection pool, one
// middleware stack) instead of one each. Keyed by everything that makes a client or a credential differ.
const sharedCredentials = new Map<string, Promise<AwsCredentialIdentity>>();
const sharedClients = new WeakMap<ClientClass<unknown>, Map<string, unknown>>();
// Assumed credentials last 900 s; a shared one is renewed when less than this is left.
const RENEW_BEFORE_MS = 60_000;
// httpHandlerFor gives one handler per transport setting (proxy, CA bundle); a client is shared only by
// runs that send through the same handler, so each handler gets a number for the client key.
const handlerIds = new WeakMap<AwsHttpHandler, number>();
let handlersSeen = 0;

/**
 * Builds clients for one run: the only place SDK clients are created. The role is assumed once per
 * profile, role and endpoint for the whole process, and its credentials shared by every client and region.
 */
export class AwsConnection {
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

  /**
   * The client of this class for this region: `conn.client(EC2Client, region)`. Made once per process
   * for the same settings (see sharedClients), with error annotation.
   */
  client<C extends DecoratableClient>(Client: ClientClass<C>, region: string): C {
    let byKey = sharedClients.get(Client) as Map<string, C> | undefined;
    if (byKey === undefined) sharedClients.set(Client, (byKey = new Map()));
    const key = JSON.stringify([region, this.settingsKey()]);
    let client = byKey.get(key);
    if (client === undefined) {
      client = new Client(this.config(region));
      annotateErrors(client);
      byKey.set(key, client);
    }
    return client;
  }

  /** Options for every `send`: the run's deadline aborts the call. */
  get sendOptions(): { abortSignal: AbortSignal } {
    return { abortSignal: this.ctx.signal };
  }

  /** What makes two runs' clients and credentials differ (the regions aside). */
  private settingsKey(): string {
    const s = this.settings;
    let handlerId = handlerIds.get(this.handler);
    if (handlerId === undefined) handlerIds.set(this.handler, (handlerId = ++handlersSeen));
    return JSON.stringify([s.profile, s.roleArn, s.externalId, s.endpointUrl, s.maxAttempts, handlerId]);
  }

  private assumeRole(region: string): Promise<AwsCredentialIdentity> {
    const key = this.settingsKey();
    const known = sharedCredentials.get(key);
    if (known !== undefined) {
      return known.then((c) => (c.expiration && c.expiration.getTime() - Date.now() < RENEW_BEFORE_MS ? this.renew(key, region) : c));
    }
    return this.renew(key, region);
  }

  private renew(key: string, region: string): Promise<AwsCredentialIdentity> {
    const assumed = (async () => {
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
    sharedCredentials.set(key, assumed);
    // A failed assumption is not kept: the next entry of a gate tries again, under its own deadline.
    assumed.catch(() => {
      if (sharedCredentials.get(key) === assumed) sharedCredentials.delete(key);
    });
    return assumed;
  }
}

/** The real RegionalPort: one connection per run (one role assumption), one source per region. */
export function awsRegions<S>(settings: AwsSettings, ctx: Context, source: (conn: AwsConnection, region: string) => S): RegionalPort<S> {
  const conn = new AwsConnection(settings, ctx);
  return { regions: () => resolveRegions(conn, ctx), in: (region) => source(conn, region) };
}
