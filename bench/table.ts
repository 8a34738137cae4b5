/**
 * Prints the README's benchmark tables from a results file, so the README quotes the JSON:
 *   npx tsx bench/table.ts [bench/results/<date>.json]   (default: the newest)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('./results/', import.meta.url));
const file = process.argv[2] ?? dir + readdirSync(dir).filter((f) => /^\d{4}-\d{2}-\d{2}\.json$/.test(f)).sort().at(-1);
const run = JSON.parse(readFileSync(file, 'utf8'));
const s = run.summary as Record<string, any>;

const n = (v: number | undefined, digits = 0): string => (v === undefined ? '–' : v.toLocaleString('en-US', { maximumFractionDigits: digits }));
const ratio = (v: number | undefined, spread?: [number, number]): string => (v === undefined ? '–' : `${v}×${spread ? ` (${spread[0]}–${spread[1]})` : ''}`);

const rows: [string, string][] = [
  ['SendMessage', 'SendMessage'],
  ['SendMessageBatch x10', 'SendMessageBatch ×10 (per message)'],
  ['Receive+DeleteBatch drain', 'ReceiveMessage(10) + DeleteMessageBatch drain'],
  ['Long-poll send->receive', 'long-poll send→receive'],
  ['FIFO 1000 groups send+recv', 'FIFO, 1,000 groups, batched send + receive'],
  ['Create/List/Delete queues', 'create + list + delete queues'],
  ['Receive on deep backlog', `ReceiveMessage on a ${n(run.sizes?.backlog)}-message backlog (fauxqs: ${n(run.sizes?.fauxBacklog)})`],
];
console.log('| scenario | emulator CPU µs/msg | fauxqs | floor | emulator ÷ fauxqs (spread) | emulator ÷ floor (spread) | emulator ÷ answering floor (spread) | emulator ÷ storing floor (spread) | p50 ms emulator / fauxqs |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const [key, label] of rows) {
  const r = s[key];
  if (!r) continue;
  console.log(
    `| ${label} | ${n(r.emulator?.cpuUsPerMsg, 1)} | ${n(r.fauxqs?.cpuUsPerMsg, 1)} | ${n(r.floor?.cpuUsPerMsg, 1)} | ${ratio(r.cpuRatioVsFauxqs, r.cpuRatioVsFauxqsSpread)} | ${ratio(r.cpuRatioVsFloor, r.cpuRatioVsFloorSpread)} | ${ratio(r.cpuRatioVsFloorAnswer, r.cpuRatioVsFloorAnswerSpread)} | ${ratio(r.cpuRatioVsFloorStore, r.cpuRatioVsFloorStoreSpread)} | ${r.emulator?.p50 ?? '–'} / ${r.fauxqs?.p50 ?? '–'} |`,
  );
}
const batch = s['SendMessageBatch x10'];
if (batch?.floorStoreCpuRatioVsFloor !== undefined) console.log(`\nStoring floor ÷ floor, batched sends: ${ratio(batch.floorStoreCpuRatioVsFloor, batch.floorStoreCpuRatioVsFloorSpread)}`);
for (const [key, r] of Object.entries(s)) {
  if (key.startsWith('Fair') && r.emulator) console.log(`\n${key}: CPU ${r.emulator.cpuUsPerMsg} µs, p50 ${r.emulator.p50} ms${r.emulator.note ? ` (${r.emulator.note})` : ''}`);
  if (key === 'Fair backlog: grouped vs ungrouped') console.log(`\n${key}: p50 ${r.p50Ratio}×, CPU ${r.cpuRatioVsUngrouped ?? r.cpuRatio}×`);
}
for (const sc of ['SendMessage', 'SendMessageBatch x10']) {
  const r = s[sc];
  if (r?.durableThroughputVsMemory !== undefined) {
    console.log(`\n${sc}: durable ${ratio(r.durableThroughputVsMemory, r.durableThroughputVsMemorySpread)} of memory-only throughput, snapshot ${ratio(r.snapshotThroughputVsMemory, r.snapshotThroughputVsMemorySpread)}`);
    if (r.floorStoreDurableThroughputVsMemory !== undefined) {
      console.log(`${sc}: storing floor durable ${ratio(r.floorStoreDurableThroughputVsMemory, r.floorStoreDurableThroughputVsMemorySpread)} of its memory-only throughput; emulator durable ${ratio(r.durableThroughputVsFloorStoreDurable, r.durableThroughputVsFloorStoreDurableSpread)} of the storing floor's durable throughput`);
    }
  }
}
for (const [key, r] of Object.entries(s)) if (/idle/i.test(key)) console.log(`\n${key}: ${JSON.stringify(r)}`);
if (run.startup) console.log(`\nStart-up to first answer: median ${run.startup.medianMs} ms (max ${run.startup.maxMs} ms)`);
if (run.persistence) console.log(`\nPersistence at scale: ${JSON.stringify(run.persistence)}`);
if (run.heap) console.log(`\nHeap per stored message: ${JSON.stringify(run.heap)}`);
