// Node twin of bench/worker_msg.c: postMessage between the main thread and
// a worker_threads Worker.
//   round_trips  main posts, the worker echoes, main posts the next
//   one_way      the worker posts ONE_WAY messages; timed from the first
//                to the last one received
import { Worker } from "node:worker_threads";

const ROUND_TRIPS = 200000;
const ONE_WAY = 2000000;

const src = `
const { parentPort } = require("node:worker_threads");
parentPort.on("message", (v) => {
  if (v === -1) {
    for (let i = 0; i < ${ONE_WAY}; i++) parentPort.postMessage(i);
    parentPort.close();
    return;
  }
  parentPort.postMessage(v);
});`;

const w = new Worker(src, { eval: true });
let left = ROUND_TRIPS, seen = 0;
let t0 = process.hrtime.bigint(), tRt = 0n, tOw0 = 0n, tOw = 0n;
w.on("message", () => {
  if (left) {
    if (--left) {
      w.postMessage(left);
    } else {
      tRt = process.hrtime.bigint() - t0;
      w.postMessage(-1);
    }
    return;
  }
  if (seen++ === 0) tOw0 = process.hrtime.bigint();
  if (seen === ONE_WAY) tOw = process.hrtime.bigint() - tOw0;
});
w.on("exit", () => {
  console.log(`BENCH round_trips ${Math.round(ROUND_TRIPS / (Number(tRt) / 1e9))} msgs/s higher`);
  console.log(`BENCH one_way ${Math.round((ONE_WAY - 1) / (Number(tOw) / 1e9))} msgs/s higher`);
});
w.postMessage(left);
