// Twin of bench/stream.c: the same streams in Node, best of 3 runs.
//   stream_pipeline_mib_s      1 GiB as 64 KiB chunks through
//                              Readable -> PassThrough -> Writable, the
//                              sink copying each chunk out
//   stream_small_ns_per_chunk  1M 64-byte chunks through the same
//   stream_lines_ns_per_line   1M short lines through readline ('line')
import { Readable, PassThrough, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createInterface } from 'node:readline';

async function runPipeline(chunkSize, total) {
  const chunk = Buffer.alloc(chunkSize, 'x');
  const scratch = Buffer.alloc(65536);
  let toSend = total, got = 0;
  const t0 = process.hrtime.bigint();
  await pipeline(
    new Readable({ read() { if (toSend === 0) { this.push(null); return; } toSend -= chunkSize; this.push(chunk); } }),
    new PassThrough(),
    new Writable({ write(c, e, cb) { c.copy(scratch); got += c.length; cb(); } }),
  );
  const t = Number(process.hrtime.bigint() - t0);
  if (got !== total) throw new Error('pipeline lost data');
  return t;
}

async function runLines() {
  let made = 0, lines = 0;
  const t0 = process.hrtime.bigint();
  const src = new Readable({
    read() {
      if (made >= 1000000) { this.push(null); return; }
      let s = '';
      while (s.length < 65536 - 32 && made < 1000000) s += `row ${++made},some text\n`;
      this.push(s);
    },
  });
  const rl = createInterface({ input: src, crlfDelay: Infinity });
  rl.on('line', (l) => { if (l.length > 0) lines++; });
  await new Promise((resolve) => rl.on('close', resolve));
  const t = Number(process.hrtime.bigint() - t0);
  if (lines !== 1000000) throw new Error('lines lost');
  return t;
}

let big = Infinity, small = Infinity, lines = Infinity;
for (let r = 0; r < 3; r++) {
  big = Math.min(big, await runPipeline(65536, 2 ** 30));
  small = Math.min(small, await runPipeline(64, 64 * 1000000));
  lines = Math.min(lines, await runLines());
}
console.log(`BENCH stream_pipeline_mib_s ${(1024 / (big / 1e9)).toFixed(0)} MiB/s higher`);
console.log(`BENCH stream_small_ns_per_chunk ${(small / 1e6).toFixed(1)} ns lower`);
console.log(`BENCH stream_lines_ns_per_line ${(lines / 1e6).toFixed(1)} ns lower`);
