// Node twin of bench/ipc.c: fork + process.send round trips, up to WINDOW
// in flight.  The child is peers/ipc_child.cjs (echoes every message).
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";

const TOTAL = 200000;
const WINDOW = 1000;
const here = path.dirname(fileURLToPath(import.meta.url));
const child = fork(path.join(here, "ipc_child.cjs"));
let sent = 0;
let echoed = 0;
let t0 = 0n;

function pump() {
    while (sent < TOTAL && sent - echoed < WINDOW) {
        child.send({ task: "compute", seq: sent });
        sent++;
    }
}

child.on("message", () => {
    if (++echoed === TOTAL) {
        const secs = Number(process.hrtime.bigint() - t0) / 1e9;
        console.log(`BENCH ipc_msgs_per_s ${Math.round(TOTAL / secs)} msgs/s higher`);
        child.disconnect();
        return;
    }
    pump();
});
child.on("exit", (code) => {
    if (code !== 0 || echoed !== TOTAL) {
        console.error(`child exit ${code}, echoed ${echoed}`);
        process.exit(1);
    }
});
t0 = process.hrtime.bigint();
pump();
