import { afterAll, beforeAll, beforeEach } from "vitest";
import { type FakeAws, startFakeAws } from "./fake-aws/index";
import { runBinary } from "./run-binary";
import { startSshd, type TestSshd } from "./sshd";

/** A real sshd on 127.0.0.1 and the fake AWS endpoint, for check_serverscore fleet e2e tests. */
export interface FleetRig {
  readonly sshd: TestSshd;
  readonly fake: FakeAws;
  /** Runs the compiled check_serverscore in `region`, over the test sshd, running its serverscore. */
  score(args: string[], opts?: { killAfterMs?: number }): ReturnType<typeof runBinary>;
}

/**
 * Starts both before the file's tests, stops them after, and clears the fake's faults and calls before
 * each test (registers vitest hooks: call it at the top of a test file).
 */
export function fleetRig(region: string): FleetRig {
  let sshd: TestSshd | undefined;
  let fake: FakeAws | undefined;
  beforeAll(async () => {
    [sshd, fake] = await Promise.all([startSshd(), startFakeAws({ regions: { [region]: {} } })]);
  });
  afterAll(async () => {
    await Promise.all([sshd?.stop(), fake?.stop()]);
  });
  beforeEach(() => {
    fake?.clearFaults();
    fake?.resetCalls();
  });
  const rig: FleetRig = {
    get sshd() {
      if (sshd === undefined) throw new Error("fleetRig: sshd not started yet");
      return sshd;
    },
    get fake() {
      if (fake === undefined) throw new Error("fleetRig: fake AWS not started yet");
      return fake;
    },
    score: (args, opts = {}) =>
      runBinary(
        "check_serverscore",
        ["--region", region, ...rig.sshd.sshArgs(), "--remote-command", `${rig.sshd.bin}/serverscore --format json`, ...args],
        { env: rig.fake.env(), killAfterMs: opts.killAfterMs },
      ),
  };
  return rig;
}
