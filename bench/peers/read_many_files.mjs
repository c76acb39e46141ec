// Node twin of bench/read_many_files.c: the seed's processAllFiles --
// readdir, then readFile(join(dir, name), "utf8") for every entry through
// the seed's pLimit(10) -- on 10,000 small files (200-1000 bytes) created
// here in a fresh temporary directory; 3 rounds, timed together.
//
//   BENCH read_many_files <files/s> files/s higher
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { tmpdir } from "node:os";

const FILES = 10000;
const ROUNDS = 3;

// The seed's pLimit, verbatim in behaviour: a counter and a queue.
function pLimit(concurrency) {
    let active = 0;
    const queue = [];
    function next() {
        if (active >= concurrency || queue.length === 0) return;
        active++;
        const { fn, resolve, reject } = queue.shift();
        fn().then(resolve, reject).finally(() => {
            active--;
            next();
        });
    }
    return (fn) =>
        new Promise((resolve, reject) => {
            queue.push({ fn, resolve, reject });
            next();
        });
}

async function processAllFiles(dir) {
    const entries = await readdir(dir);
    const limit = pLimit(10); // only 10 files open at a time
    const contents = await Promise.all(
        entries.map((name) => limit(() => readFile(join(dir, name), "utf8"))),
    );
    return contents;
}

const dir = mkdtempSync(join(tmpdir(), "node-bench-"));
const body = "x".repeat(1024);
let expect = 0;
for (let i = 0; i < FILES; i++) {
    const len = 200 + ((i * 37) % 800);
    writeFileSync(join(dir, `file-${String(i).padStart(5, "0")}.json`), body.slice(0, len));
    expect += len;
}

const t0 = process.hrtime.bigint();
for (let round = 0; round < ROUNDS; round++) {
    const contents = await processAllFiles(dir);
    let bytes = 0;
    for (const c of contents) bytes += c.length;
    if (contents.length !== FILES || bytes !== expect) {
        console.error(`read_many_files.mjs: ${contents.length} files, ${bytes} bytes`);
        process.exit(1);
    }
}
const ns = Number(process.hrtime.bigint() - t0);
console.log(`BENCH read_many_files ${Math.round((FILES * ROUNDS) / (ns / 1e9))} files/s higher`);
rmSync(dir, { recursive: true });
