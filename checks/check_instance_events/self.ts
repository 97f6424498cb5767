import { imdsRequire } from "../../src/aws/imds";
import { CheckError } from "../../src/errors";
import type { ScheduledEvent } from "./judge";

const IMDS_BUDGET_MS = 1000;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** IMDS writes dates as `21 Jan 2019 09:00:43 GMT`; parsed by hand, not left to a runtime's Date parser. */
export function parseImdsDate(text: string): Date {
  const m = /^(\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/.exec(text.trim());
  const month = m ? MONTHS.indexOf(m[2]) : -1;
  if (!m || month < 0) throw new CheckError(`unparseable date '${text}' in instance metadata events`);
  return new Date(Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6])));
}

interface ImdsEvent {
  Code?: string;
  Description?: string;
  NotBefore?: string;
  State?: string;
}

/** This instance's scheduled events from IMDSv2: no credentials and no region needed. */
export async function readSelfEvents(signal: AbortSignal): Promise<{ instanceId: string; events: ScheduledEvent[] }> {
  const instanceId = (await imdsRequire("/latest/meta-data/instance-id", IMDS_BUDGET_MS, signal)).trim();
  const body = await imdsRequire("/latest/meta-data/events/maintenance/scheduled", IMDS_BUDGET_MS, signal);
  let raw: unknown;
  try {
    raw = JSON.parse(body.trim() === "" ? "[]" : body);
  } catch {
    throw new CheckError("unparseable answer from instance metadata events/maintenance/scheduled");
  }
  if (!Array.isArray(raw)) throw new CheckError("instance metadata events/maintenance/scheduled is not a list");
  const events = (raw as ImdsEvent[])
    // IMDS also marks finished events with State; the description prefix is judged by the check.
    .filter((e) => !/^(completed|canceled|cancelled)$/i.test(e.State ?? ""))
    .map((e) => ({
      instanceId,
      code: e.Code ?? "unknown",
      description: e.Description ?? "",
      notBefore: parseImdsDate(e.NotBefore ?? ""),
    }));
  return { instanceId, events };
}
