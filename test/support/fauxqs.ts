import { SQSClient } from "@aws-sdk/client-sqs";
import { buildApp } from "fauxqs";

/** fauxqs, a third-party SQS emulator, running in the test process on loopback only. */
export interface Fauxqs {
  /** `http://127.0.0.1:PORT`: pass as --endpoint-url. */
  url: string;
  port: number;
  /** A real SDK client pointed at it, for creating queues and moving messages. */
  client(region?: string): SQSClient;
  /** Environment for a check binary talking to it (dummy credentials; fauxqs checks no signature). */
  env(extra?: Record<string, string>): Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Starts fauxqs on 127.0.0.1 with a free port. Not startFauxqs(): that always listens on 0.0.0.0. The
 * `host` option makes queue URLs look like `http://sqs.<region>.127.0.0.1:PORT/000000000000/<name>`,
 * which is what GetQueueUrl and ListQueues return and what every later lookup must use, verbatim.
 */
export async function startFauxqs(): Promise<Fauxqs> {
  const app = buildApp({ logger: false, host: "127.0.0.1" });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === "string") throw new Error("fauxqs: no TCP address");
  const url = `http://127.0.0.1:${address.port}`;
  const clients: SQSClient[] = [];
  return {
    url,
    port: address.port,
    client(region = "us-east-1") {
      const c = new SQSClient({ endpoint: url, region, credentials: { accessKeyId: "x", secretAccessKey: "x" }, maxAttempts: 1 });
      clients.push(c);
      return c;
    },
    env: (extra = {}) => ({ AWS_ACCESS_KEY_ID: "x", AWS_SECRET_ACCESS_KEY: "x", ...extra }),
    async stop() {
      for (const c of clients) c.destroy();
      await app.close();
    },
  };
}
