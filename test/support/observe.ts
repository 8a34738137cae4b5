/**
 * What a running emulator has served, read through its public endpoints (`/_emulator/queues`,
 * `/metrics`): for tests that must show which instance a run really talked to.
 */

/** The URLs of every queue on the emulator at `url`, sorted. */
export async function queueUrlsOn(url: string): Promise<string[]> {
  const res = await fetch(`${url}/_emulator/queues`);
  if (res.status !== 200) throw new Error(`GET /_emulator/queues: HTTP ${res.status}`);
  const { queues } = (await res.json()) as { queues: { url: string }[] };
  return queues.map((q) => q.url).sort();
}

/** How many `action` requests over `protocol` the emulator at `url` answered, by HTTP status. */
export async function requestsOn(url: string, action: string, protocol: 'json' | 'query'): Promise<Record<string, number>> {
  const res = await fetch(`${url}/metrics`);
  if (res.status !== 200) throw new Error(`GET /metrics: HTTP ${res.status}`);
  const counts: Record<string, number> = {};
  const line = /^sqs_emulator_requests_total\{action="(\w+)",protocol="(\w+)",status="(\d+)"\} (\d+)$/gm;
  for (const [, a, p, status, n] of (await res.text()).matchAll(line)) {
    if (a === action && p === protocol) counts[status!] = Number(n);
  }
  return counts;
}
