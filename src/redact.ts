/**
 * Hides the user and password of every URL in a text: `http://monitor:secret@proxy:3128` becomes
 * `http://***@proxy:3128`. The last guard before anything is printed, so a proxy URL with credentials that
 * some message echoes (an option value, a dry-run command line) never reaches a monitoring core's UI or logs.
 */
export function hideUrlCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@'"]+@/gi, "$1***@");
}
