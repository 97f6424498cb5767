import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "checks/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // e2e tests spawn binaries and servers; two workers match the two cores CI has.
    maxWorkers: 2,
    reporters: ["default"],
  },
});
