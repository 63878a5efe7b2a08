/**
 * A Redis URL as it may appear in a log line or an error message: the
 * password masked (redis://:***@host:port), everything else kept, so an
 * operator sees which server is meant without the secret.
 */
export function describeRedisUrl(url: string): string {
  if (url.startsWith("unix://")) return url;
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString().replace(/\/$/, "");
  } catch {
    return url.replace(/\/\/[^@/]*@/, "//***@");
  }
}
