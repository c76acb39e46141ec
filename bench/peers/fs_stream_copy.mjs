// Node twin of bench/fs_stream_copy.c: copy a 256 MiB file with
// pipeline(createReadStream(src), createWriteStream(dst)), default options,
// 3 rounds; MB (10^6 bytes) copied per second.
//
//   BENCH fs_stream_copy <MB/s> MB/s higher
import { createReadStream, createWriteStream, mkdtempSync, writeFileSync, rmSync, statSync, unlinkSync } from "node:fs";
import { pipeline } from "node:stream/promises";
import { join } from "node:path";
import { tmpdir } from "node:os";

const SIZE = 256 * 1024 * 1024;
const ROUNDS = 3;

const dir = mkdtempSync(join(tmpdir(), "node-bench-"));
const src = join(dir, "src.bin");
const dst = join(dir, "dst.bin");
const data = Buffer.allocUnsafe(SIZE);
for (let i = 0; i < SIZE; i++) data[i] = (Math.imul(i, 2654435761 | 0) >>> 13) & 255;
writeFileSync(src, data);

let ns = 0n;
for (let round = 0; round < ROUNDS; round++) {
    try { unlinkSync(dst); } catch {}
    const t0 = process.hrtime.bigint();
    const out = createWriteStream(dst);
    await pipeline(createReadStream(src), out);
    ns += process.hrtime.bigint() - t0;
    if (out.bytesWritten !== SIZE || statSync(dst).size !== SIZE) {
        console.error(`fs_stream_copy.mjs: ${out.bytesWritten} bytes`);
        process.exit(1);
    }
}
console.log(`BENCH fs_stream_copy ${((SIZE * ROUNDS) / 1e6 / (Number(ns) / 1e9)).toFixed(0)} MB/s higher`);
rmSync(dir, { recursive: true, force: true });
