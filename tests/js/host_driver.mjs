// Test driver for examples/onnx_host_js/onnx_host.mjs (tests/test_js_host.py): reads one JSON request from stdin,
// {"onnx": path, "cases": [{"z": [...], "options": {...}, "uniforms": [...]}], "timed": {"tempo", "gridOffset"}}, plays
// each case with the given uniform numbers as its only randomness (play_cases.mjs), and prints {"patterns": [[note,
// ...], ...], "timed": [[timed note, ...], ...]}. The uniforms are the ones `mvae generate` draws.
import { openNodeHost } from "../../examples/onnx_host_js/onnx_host.mjs";
import { playCases } from "./play_cases.mjs";

let input = "";
for await (const chunk of process.stdin) input += chunk;
const request = JSON.parse(input);
const host = await openNodeHost(request.onnx);
console.log(JSON.stringify(await playCases(host, request.cases, request.timed)));
