import { parseCommandLine, scanArgv } from "./argv";
import { awsSettings, type AwsValues } from "./aws/options";
import type { AnyCheck } from "./definition";
import { renderHelp } from "./help";
import { choice, counter, flag, longName, type OptionSpecs, positiveNumber, range, type Values } from "./options";

const GENERAL = "General:";

/** Options every command has. */
const COMMON_OPTIONS = {
  timeout: positiveNumber({
    short: "t",
    placeholder: "SECONDS",
    default: "10",
    help: "Whole-run deadline; on expiry UNKNOWN naming the stage reached",
    group: GENERAL,
  }),
  verbose: counter({ short: "v", help: "More detail in the long output (up to -vvv)", group: GENERAL }),
  format: choice(
    {
      placeholder: "FORMAT",
      default: "nagios",
      help: "nagios (plugin output), json (one object) or openmetrics (Prometheus text); same exit code",
      group: GENERAL,
    },
    ["nagios", "json", "openmetrics"] as const,
  ),
  help: flag({ short: "h", help: "Show this help and exit 3", group: GENERAL }),
  version: flag({ short: "V", help: "Show the version and exit 3", group: GENERAL }),
};

type CommonValues = Values<typeof COMMON_OPTIONS>;

const THRESHOLDS = "Thresholds:";

/** `-w RANGE`. `percent`: the value judged is a percentage, so `80%` is accepted. */
export function warningRange<O extends { help: string; default?: string; percent?: boolean; placeholder?: string }>(o: O) {
  return range({ short: "w", group: THRESHOLDS, ...o });
}

/** `-c RANGE`. */
export function criticalRange<O extends { help: string; default?: string; percent?: boolean; placeholder?: string }>(o: O) {
  return range({ short: "c", group: THRESHOLDS, ...o });
}

/** How an empty value reads, told once at the end of every option list. */
const EMPTY_VALUE_NOTE =
  "An empty value (--warning= or -w '') means the option's default, so an unset Nagios macro keeps it; " +
  "an option given with no value at all is an error.";

export function allOptions(def: AnyCheck): OptionSpecs {
  return { ...def.options, ...COMMON_OPTIONS };
}

export function helpText(def: AnyCheck): string {
  return renderHelp({ ...def, options: allOptions(def), notes: EMPTY_VALUE_NOTE });
}

interface ReadCommandLine {
  /** The command's own typed options. */
  options: Record<string, unknown>;
  common: CommonValues;
  /** Long names of the options given (see parseCommandLine). */
  given: ReadonlySet<string>;
}

/** Parses and validates argv for a command; every problem is a UsageError naming the option. */
export function readCommandLine(def: AnyCheck, argv: readonly string[]): ReadCommandLine {
  const { values, given } = parseCommandLine(argv, allOptions(def));
  const options: Record<string, unknown> = {};
  const common: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(values)) (key in COMMON_OPTIONS ? common : options)[key] = v;
  // The AWS group's own rule (--external-id needs --role-arn), for every command that has the group.
  if ("externalId" in def.options) awsSettings(options as AwsValues);
  def.validate?.(options, given);
  return { options, common: common as CommonValues, given };
}

/** The long names of the options argv gives a value (or a flag) to: what the parser sees, nothing guessed. */
export function givenOptions(def: AnyCheck, argv: readonly string[]): Set<string> {
  return new Set(scanArgv(argv, allOptions(def)).filter((t) => t.value !== "").map((t) => longName(t.key)));
}
