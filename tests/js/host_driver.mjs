// Test driver for examples/onnx_host_js/onnx_host.mjs (tests/test_js_host.py): reads one JSON request from stdin,
// {"onnx": path, "cases": [{"z": [...], "options": {...}, "uniforms": [...]}], "timed": {"bpm", "gridOffset"}}, plays
// each case with the given uniform numbers as its only randomness (play_cases.mjs), and prints {"patterns": [[note,
// ...], ...], "timed": [[timed note, ...], ...]}. The uniforms are the ones `mvae generate` draws.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const hostFolder = fileURLToPath(new URL("../../examples/onnx_host_js/", import.meta.url));
const ort = createRequire(hostFolder + "package.json")("onnxruntime-node");
const { openHost } = await import(new URL("../../examples/onnx_host_js/onnx_host.mjs", import.meta.url));
const { playCases } = await import(new URL("./play_cases.mjs", import.meta.url));

let input = "";
for await (const chunk of process.stdin) input += chunk;
const request = JSON.parse(input);
const host = await openHost(ort, request.onnx);
console.log(JSON.stringify(await playCases(host, request.cases, request.timed)));
