// Latency of one pattern from examples/onnx_host_js/onnx_host.mjs in Node.js (onnxruntime-node, one thread): the
// JavaScript row of bench/generate_latency.py, which runs it. Reads the points from a JSON file ([[z...], ...]),
// plays `warmup` untimed patterns, then one timed pattern per point at generate's default options, and prints one
// JSON line: {"p50_ms", "p95_ms", "mean_ms", "cpu_p50_ms"} (CPU time: this process's user + system).
//
//     node bench/js_host_latency.mjs decoder.onnx points.json WARMUP
import { readFile } from "node:fs/promises";
import { openNodeHost } from "../examples/onnx_host_js/onnx_host.mjs";

const [onnxFile, pointsFile, warmup] = process.argv.slice(2);
if (warmup === undefined || !(Number(warmup) >= 0)) {
  console.error("usage: node bench/js_host_latency.mjs decoder.onnx points.json WARMUP (generate_latency.py runs it)");
  process.exit(2);
}
const points = JSON.parse(await readFile(pointsFile, "utf8"));
const host = await openNodeHost(onnxFile);
for (let k = 0; k < Number(warmup); k++) await host.pattern(points[k % points.length]);
const wall = [];
const cpu = [];
for (const z of points) {
  const start = process.hrtime.bigint();
  const startCpu = process.cpuUsage();
  await host.pattern(z);
  const used = process.cpuUsage(startCpu);
  cpu.push((used.user + used.system) / 1e3);
  wall.push(Number(process.hrtime.bigint() - start) / 1e6);
}
/** numpy's default percentile (linear between the closest ranks), so the rows compare with the Python ones. */
const percentile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q / 100) * (sorted.length - 1);
  const low = Math.floor(at);
  return sorted[low] + (sorted[Math.min(low + 1, sorted.length - 1)] - sorted[low]) * (at - low);
};
const round4 = (x) => Math.round(x * 1e4) / 1e4;
console.log(JSON.stringify({
  p50_ms: round4(percentile(wall, 50)),
  p95_ms: round4(percentile(wall, 95)),
  mean_ms: round4(wall.reduce((a, b) => a + b, 0) / wall.length),
  cpu_p50_ms: round4(percentile(cpu, 50)),
}));
