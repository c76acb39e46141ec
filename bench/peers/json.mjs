// Node twin of bench/json.c: JSON.parse and JSON.stringify on
// bench/data/records.json, MB/s of JSON text (parse: the input's UTF-8
// bytes; stringify: the compact output's bytes), about 1 s each.
import fs from 'node:fs';

const text = fs.readFileSync(new URL('../data/records.json', import.meta.url), 'utf8');
const inBytes = Buffer.byteLength(text);
let sink = 0;
let v;
function measure(fn) {
  const start = process.hrtime.bigint();
  let bytes = 0;
  let now;
  do {
    bytes += fn();
    now = process.hrtime.bigint();
  } while (now - start < 1000000000n);
  return (bytes / 1e6) / (Number(now - start) / 1e9);
}
const parse = measure(() => {
  v = JSON.parse(text);
  sink += v.length;
  return inBytes;
});
const outBytes = Buffer.byteLength(JSON.stringify(v));
const stringify = measure(() => {
  sink += JSON.stringify(v).length;
  return outBytes;
});
const pretty = Buffer.byteLength(JSON.stringify(v, null, 2));
const stringify2 = measure(() => {
  sink += JSON.stringify(v, null, 2).length;
  return pretty;
});
console.log(`BENCH json_parse ${parse.toFixed(1)} MB/s higher`);
console.log(`BENCH json_stringify ${stringify.toFixed(1)} MB/s higher`);
console.log(`BENCH json_stringify_indent2 ${stringify2.toFixed(1)} MB/s higher`);
if (sink === 0) console.log('unreachable');
