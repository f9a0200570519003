// Test driver for examples/onnx_host_js/onnx_host.mjs (tests/test_js_host.py): reads one JSON request from stdin,
// {"onnx": path, "cases": [{"z": [...], "options": {...}, "uniforms": [...]}]}, plays each case with the given
// uniform numbers as its only randomness, and prints {"patterns": [[note, ...], ...], "used": [n, ...]} (the grid
// notes of each case and how many uniforms it drew). The uniforms are the ones `mvae generate` draws.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const hostFolder = fileURLToPath(new URL("../../examples/onnx_host_js/", import.meta.url));
const ort = createRequire(hostFolder + "package.json")("onnxruntime-node");
const { openHost } = await import(new URL("../../examples/onnx_host_js/onnx_host.mjs", import.meta.url));

let input = "";
for await (const chunk of process.stdin) input += chunk;
const request = JSON.parse(input);
const host = await openHost(ort, request.onnx);
const patterns = [];
const used = [];
for (const { z, options, uniforms } of request.cases) {
  let next = 0;
  const random = () => {
    if (next >= uniforms.length) throw new Error(`drew more than the ${uniforms.length} uniforms given`);
    return uniforms[next++];
  };
  patterns.push(await host.pattern(z, { ...options, random }));
  used.push(next);
}
console.log(JSON.stringify({ patterns, used }));
