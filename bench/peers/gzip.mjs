// Node twin of bench/gzip.c: the seed's compress pipeline on a 256 MiB
// text file, pipeline(createReadStream(src), createGzip(),
// createWriteStream(dst)), then the reverse with createGunzip, and
// zlib.gzipSync of 1 KiB messages.  The text is bench/gzip_data.h's
// (same LCG, same words, same bytes).
//
//   BENCH gzip_pipeline <MB/s> MB/s higher
//   BENCH gunzip_pipeline <MB/s> MB/s higher
//   BENCH gzip_1k_oneshot <calls/s> calls/s higher
import { createReadStream, createWriteStream, mkdtempSync, writeFileSync, rmSync, statSync } from "node:fs";
import { createGzip, createGunzip, gzipSync } from "node:zlib";
import { pipeline } from "node:stream/promises";
import { join } from "node:path";
import { tmpdir } from "node:os";

const SIZE = 256 * 1024 * 1024;
const BLOCK = 1 << 20;
const MESSAGES = 20000;
const words = ["stream ", "buffer ", "event ", "loop ", "gzip ", "pipeline ", "the ", "of ", "and ",
    "data\n", "backpressure ", "promise ", "chunk ", "zlib ", "a ", "callback ", "thread ", "pool ",
    "file ", "write "].map((w) => Buffer.from(w));

const block = Buffer.allocUnsafe(BLOCK);
let seed = 1;
for (let i = 0; i < BLOCK;) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const w = words[(seed >>> 16) % 20];
    for (let k = 0; k < w.length && i < BLOCK; k++) block[i++] = w[k];
}

const dir = mkdtempSync(join(tmpdir(), "node-bench-"));
const src = join(dir, "src.txt");
const gz = join(dir, "src.txt.gz");
const back = join(dir, "back.txt");
const big = Buffer.allocUnsafe(SIZE);
for (let i = 0; i < SIZE / BLOCK; i++) block.copy(big, i * BLOCK);
writeFileSync(src, big);

async function timed(from, z, to) {
    const t0 = process.hrtime.bigint();
    await pipeline(createReadStream(from), z, createWriteStream(to));
    return Number(process.hrtime.bigint() - t0) / 1e9;
}

const tgz = await timed(src, createGzip(), gz);
const tgun = await timed(gz, createGunzip(), back);
if (statSync(back).size !== SIZE) {
    console.error("gzip.mjs: round trip size differs");
    process.exit(1);
}

let total = 0;
const t0 = process.hrtime.bigint();
for (let i = 0; i < MESSAGES; i++) {
    const off = (i * 4099) % (BLOCK - 1024);
    total += gzipSync(block.subarray(off, off + 1024)).length;
}
const t = Number(process.hrtime.bigint() - t0) / 1e9;
if (total < MESSAGES * 100) process.exit(1);

console.log(`BENCH gzip_pipeline ${(SIZE / 1e6 / tgz).toFixed(1)} MB/s higher`);
console.log(`BENCH gunzip_pipeline ${(SIZE / 1e6 / tgun).toFixed(1)} MB/s higher`);
console.log(`BENCH gzip_1k_oneshot ${(MESSAGES / t).toFixed(0)} calls/s higher`);
rmSync(dir, { recursive: true, force: true });
