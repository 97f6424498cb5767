import { describe, expect, it } from "vitest";
import { probeEnvironment } from "../../checks/check_efs_mount/probe";

// The probe child gets a fixed PATH and locale, and only what the executable needs to start: an arm64
// build under qemu-user (QEMU_LD_PREFIX) or a Sensu asset with its own lib/ (LD_LIBRARY_PATH) fails to
// start without them. The e2e side of this is in test/release/arm64-qemu.test.ts.
describe("probeEnvironment", () => {
  it("passes LD_LIBRARY_PATH and QEMU_LD_PREFIX, nothing else of the check's environment", () => {
    const env = probeEnvironment({
      PATH: "/opt/sensu/cache/abc/bin:/usr/bin",
      LD_LIBRARY_PATH: "/opt/sensu/cache/abc/lib",
      QEMU_LD_PREFIX: "/usr/aarch64-linux-gnu",
      AWS_SECRET_ACCESS_KEY: "secret",
      LANG: "de_DE.UTF-8",
      HOME: "/var/lib/nagios",
    });
    expect(env).toEqual({
      PATH: "/usr/bin:/bin",
      LC_ALL: "C",
      LD_LIBRARY_PATH: "/opt/sensu/cache/abc/lib",
      QEMU_LD_PREFIX: "/usr/aarch64-linux-gnu",
    });
  });

  it("leaves out unset and empty ones", () => {
    expect(probeEnvironment({ LD_LIBRARY_PATH: "", QEMU_LD_PREFIX: undefined })).toEqual({ PATH: "/usr/bin:/bin", LC_ALL: "C" });
  });
});
