import { Range } from "./range";
import { State } from "./state";

/** A warning and a critical range; critical is judged first. */
export class Thresholds {
  constructor(
    readonly warning?: Range,
    readonly critical?: Range,
  ) {}

  static parse(warning: string | undefined, critical: string | undefined, names = ["--warning", "--critical"]) {
    return new Thresholds(
      warning === undefined ? undefined : Range.parse(warning, names[0]),
      critical === undefined ? undefined : Range.parse(critical, names[1]),
    );
  }

  evaluate(value: number): State {
    if (this.critical?.alertsOn(value)) return State.CRITICAL;
    if (this.warning?.alertsOn(value)) return State.WARNING;
    return State.OK;
  }
}
