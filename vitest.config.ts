import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "checks/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // e2e tests spawn binaries and servers; two workers match the two cores CI has.
    maxWorkers: 2,
    reporters: ["default"],
    setupFiles: ["test/support/fast-check-seed.ts"],
    // Tests that use SDK clients directly run on Node 20; the SDK's notice about Node 22 is noise there
    // (the binaries silence it themselves, and that is tested).
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  },
});
