/**
 * What a PostgreSQL URL of the fleet store may look like, checked before connecting (bad input:
 * exit 2 naming the flag or key). The libpq form with no host, a Unix socket named by `?host=`
 * (`postgres://collect@/fleet?host=/run/postgresql`, the deploy's), is a valid URL to the pg
 * driver but not to WHATWG URL parsing, so the empty host is filled in for the parse only. Pure.
 */

/** True for a postgres:// or postgresql:// URL the pg driver can take. */
export function isPgUrl(u: string): boolean {
  if (!/^postgres(ql)?:\/\//.test(u)) return false;
  return URL.canParse(u.replace(/^(postgres(?:ql)?:\/\/(?:[^/?#@]*@)?)(?=[/?#]|$)/, '$1localhost'));
}
