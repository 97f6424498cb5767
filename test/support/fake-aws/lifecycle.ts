import { afterAll, beforeAll, beforeEach } from "vitest";
import { type FakeAws, type Scenario, startFakeAws } from "./index";

/**
 * One fake endpoint for a test file: started before its tests with `initial`, handed to `use`, stopped
 * after them, and with faults and the call log cleared before each test (scenarios stay per test).
 */
export function withFakeAws(initial: Scenario, use: (fake: FakeAws) => void): void {
  let fake: FakeAws | undefined;
  beforeAll(async () => {
    fake = await startFakeAws(initial);
    use(fake);
  });
  afterAll(() => fake?.stop());
  beforeEach(() => {
    fake?.clearFaults();
    fake?.resetCalls();
  });
}
