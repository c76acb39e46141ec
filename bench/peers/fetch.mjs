// Node twin of bench/fetch.c: undici's global fetch over keep-alive
// against the same server binary (examples/http_server, built by make in
// $BENCH_BUILD or build/), sequential then 64 in flight, each body read
// with res.text().
import { spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

const secs = Number(process.env.BENCH_SECONDS) > 0 ? Number(process.env.BENCH_SECONDS) : 1;
const here = path.dirname(fileURLToPath(import.meta.url));
const build = process.env.BENCH_BUILD || path.join(here, "..", "..", "build");

const port = await new Promise((res) => {
  const s = net.createServer().listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => res(p)); });
});
const srv = spawn(path.join(build, "examples", "http_server"), [], { env: { ...process.env, PORT: String(port) }, stdio: "ignore" });
for (let i = 0; i < 100; i++) {
  const ok = await new Promise((res) => { const c = net.connect(port, "127.0.0.1", () => { c.destroy(); res(true); }); c.on("error", () => res(false)); });
  if (ok) break;
  await new Promise((r) => setTimeout(r, 20));
}
const url = `http://127.0.0.1:${port}/`;

async function run(conc) {
  const t0 = performance.now() / 1000, tCount = t0 + secs / 4, tEnd = tCount + secs;
  let done = 0;
  async function worker() {
    for (;;) {
      const r = await fetch(url);
      const t = await r.text();
      if (t.length !== 11) throw new Error("bad body");
      const now = performance.now() / 1000;
      if (now >= tCount) done++;
      if (now >= tEnd) return;
    }
  }
  await Promise.all(Array.from({ length: conc }, worker));
  return done / (performance.now() / 1000 - tCount);
}

console.log(`BENCH fetch_seq ${(await run(1)).toFixed(0)} req/s higher`);
console.log(`BENCH fetch_c64 ${(await run(64)).toFixed(0)} req/s higher`);
srv.kill("SIGTERM");
