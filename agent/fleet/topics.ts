/**
 * Topic helpers of the fleet tools: the subscription filters they use and the parsing of a
 * `pos/v1/{fleet}/{terminal}/{kind}` topic. Pure.
 */

export type TopicKind = 'failures' | 'status' | 'metrics';

export interface ParsedTopic {
  fleet: string;
  terminal: string;
  kind: TopicKind;
}

const KINDS: readonly string[] = ['failures', 'status', 'metrics'];

export function parseTopic(topic: string): ParsedTopic | undefined {
  const parts = topic.split('/');
  if (parts.length !== 5 || parts[0] !== 'pos' || parts[1] !== 'v1') return undefined;
  const [, , fleet, terminal, kind] = parts as [string, string, string, string, string];
  if (!fleet || !terminal || !KINDS.includes(kind)) return undefined;
  return { fleet, terminal, kind: kind as TopicKind };
}

/** A fleet name or '+' (all fleets); rejects MQTT wildcards and separators inside a name. */
export function validFleet(fleet: string): boolean {
  return fleet === '+' || /^[^/#+\s]{1,64}$/.test(fleet);
}

/** Subscription of `fleet watch`: everything of the fleet(s). */
export function watchFilter(fleet: string): string {
  return `pos/v1/${fleet}/+/#`;
}

/** Subscription of `fleet collect`: the failures topics, optionally as an MQTT 5 shared subscription. */
export function collectFilter(fleet: string, shareGroup?: string): string {
  const base = `pos/v1/${fleet}/+/failures`;
  return shareGroup ? `$share/${shareGroup}/${base}` : base;
}

/** Subscriptions of `fleet collect` for terminal health (status, metrics), shared like the failures. */
export function healthFilters(fleet: string, shareGroup?: string): string[] {
  return (['status', 'metrics'] as const).map((k) => {
    const base = `pos/v1/${fleet}/+/${k}`;
    return shareGroup ? `$share/${shareGroup}/${base}` : base;
  });
}
