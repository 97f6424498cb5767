import type { Agent as HttpsAgent } from "node:https";
import type { SecureContext } from "node:tls";
import type { HttpHandler, HttpRequest } from "@smithy/core/protocols";
import type { HttpHandlerOptions } from "@smithy/types";
import type { NodeHttpHandler } from "@smithy/node-http-handler";
import { CheckError } from "../errors";
import { type CaBundle, findCaBundle } from "./ca-bundle";
import { type ProxyRules, proxyLabel, proxyUrlProblem } from "./proxy";
import { proxyFor } from "./proxy-route";

/** What a failed call went through, attached to its error so the message can name the proxy. */
export interface ProxiedError {
  /** `http://proxy:3128`, without credentials. */
  $proxy?: string;
  /** `ec2.us-east-1.amazonaws.com:443`: what the proxy was asked to reach. */
  $target?: string;
  /** Where the CA bundle in use came from, for certificate errors. */
  $caBundle?: string;
}

interface TransportSettings {
  proxy: ProxyRules;
  profile?: string;
  env: Readonly<Record<string, string | undefined>>;
  /** A line for the verbose output (never given a proxy's credentials). */
  note?: (text: string) => void;
}

// Besides the proxy variables (in ProxyRules), what decides the transport.
const TRANSPORT_ENV = ["AWS_CA_BUNDLE", "NODE_EXTRA_CA_CERTS", "AWS_PROFILE", "AWS_CONFIG_FILE"];
const handlers = new Map<string, AwsHttpHandler>();

/**
 * The handler for these settings, one per distinct setting in a process: the checks a gate runs side by
 * side share their connections, proxy tunnels and trust list instead of building each their own.
 */
export function httpHandlerFor(settings: TransportSettings): AwsHttpHandler {
  const key = JSON.stringify([settings.proxy, settings.profile, TRANSPORT_ENV.map((name) => settings.env[name])]);
  let handler = handlers.get(key);
  if (handler === undefined) {
    handler = new AwsHttpHandler(settings);
    handlers.set(key, handler);
  }
  return handler;
}

// As the SDK's own default handler: keep connections alive, at most 50 per host.
const AGENT = { keepAlive: true, maxSockets: 50 };

interface Routes {
  direct: NodeHttpHandler;
  viaProxy: Map<string, NodeHttpHandler>;
  ca?: CaBundle;
  secureContext?: SecureContext;
  make: (agents: { httpsAgent?: HttpsAgent; httpAgent?: unknown }) => NodeHttpHandler;
}

/**
 * The HTTP handler of every SDK client of a run: the one place that decides proxy or direct (per request,
 * as NO_PROXY depends on the host) and which CAs are trusted. Instance metadata (IMDS) never comes here:
 * it has its own client, which always connects directly. The proxy agent is loaded only when a request
 * actually goes through a proxy.
 */
export class AwsHttpHandler implements HttpHandler<Record<string, never>> {
  readonly metadata = { handlerProtocol: "http/1.1" };
  private routes?: Promise<Routes>;

  constructor(private readonly settings: TransportSettings) {}

  async handle(request: HttpRequest, options?: HttpHandlerOptions) {
    const routes = await (this.routes ??= this.build());
    const port = request.port ?? (request.protocol === "http:" ? 80 : 443);
    const proxy = proxyFor(this.settings.proxy, request.protocol, request.hostname, port);
    const handler = proxy === undefined ? routes.direct : await this.viaProxy(routes, proxy, request.protocol);
    try {
      return await handler.handle(request, options);
    } catch (err) {
      if (err && typeof err === "object") {
        const tagged = err as ProxiedError;
        if (proxy !== undefined) {
          tagged.$proxy = proxyLabel(proxy);
          tagged.$target = `${request.hostname}:${port}`;
        }
        if (routes.ca) tagged.$caBundle = `${routes.ca.path} (${routes.ca.source})`;
      }
      throw err;
    }
  }

  updateHttpClientConfig(): void {
    // Set once per run from the command line and environment; client extensions do not change it.
  }

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  destroy(): void {
    void this.routes?.then((r) => {
      r.direct.destroy();
      for (const h of r.viaProxy.values()) h.destroy();
    }, () => {});
  }

  private async build(): Promise<Routes> {
    const [{ NodeHttpHandler }, { Agent }, { createSecureContext }, ca] = await Promise.all([
      import("@smithy/node-http-handler"),
      import("node:https"),
      import("node:tls"),
      findCaBundle(this.settings.env, this.settings.profile),
    ]);
    const make: Routes["make"] = (agents) => new NodeHttpHandler(agents as ConstructorParameters<typeof NodeHttpHandler>[0]);
    if (ca) {
      const added = ca.ca ? "besides the built-in roots" : "(the built-in roots hold all its certificates already)";
      this.settings.note?.(`trusting the CA bundle ${ca.path} (${ca.source}) ${added}`);
    }
    // One context for every connection of the run: each would parse all the roots again (tens of ms).
    const secureContext = ca?.ca ? createSecureContext({ ca: ca.ca }) : undefined;
    const direct = secureContext ? make({ httpsAgent: new Agent({ ...AGENT, secureContext }) }) : make({});
    return { direct, viaProxy: new Map(), ca, secureContext, make };
  }

  private async viaProxy(routes: Routes, proxy: string, protocol: string): Promise<NodeHttpHandler> {
    let handler = routes.viaProxy.get(proxy);
    if (handler === undefined) {
      const source = (protocol === "http:" ? this.settings.proxy.source.http : this.settings.proxy.source.https) ?? "proxy";
      const problem = proxyUrlProblem(proxy);
      if (problem !== undefined) throw new CheckError(`${source}: ${problem}`);
      this.settings.note?.(`${protocol.replace(":", "")} AWS calls go through the proxy ${proxyLabel(proxy)} (${source})`);
      // hpagent: a small, dependency-free CONNECT agent that also works in the compiled Bun binary.
      const { HttpsProxyAgent, HttpProxyAgent } = await import("hpagent");
      handler = routes.make({
        httpsAgent: new HttpsProxyAgent({ ...AGENT, proxy, secureContext: routes.secureContext }),
        httpAgent: new HttpProxyAgent({ ...AGENT, proxy }),
      });
      routes.viaProxy.set(proxy, handler);
    }
    return handler;
  }
}
