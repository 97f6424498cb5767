import { describe, expect, it } from "vitest";
import { hideUrlCredentials } from "../../src/redact";

describe("hideUrlCredentials", () => {
  it.each([
    ["--proxy http://monitor:s3cret@proxy.corp:3128", "--proxy http://***@proxy.corp:3128"],
    ["unexpected argument 'https://token@proxy:443/x'", "unexpected argument 'https://***@proxy:443/x'"],
    ['{"argv":["--proxy","http://u:p%40ss@127.0.0.1:3128"]}', '{"argv":["--proxy","http://***@127.0.0.1:3128"]}'],
    ["two: http://a:b@h1 and HTTP://c:d@h2", "two: http://***@h1 and HTTP://***@h2"],
  ])("%s", (text, shown) => {
    expect(hideUrlCredentials(text)).toBe(shown);
  });

  it("leaves URLs without credentials, addresses and plain text alone", () => {
    const text = "EVENTS OK: https://ec2.us-east-1.amazonaws.com/ nagios@host ssh user@10.0.0.1 a@b | x=1;;;0\n[OK] i-1 (web@1)";
    expect(hideUrlCredentials(text)).toBe(text);
  });
});
