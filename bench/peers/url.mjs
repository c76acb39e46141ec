// Node twin of bench/url.c: new URL(s) over the same list, parses/s.
import fs from 'node:fs';

const list = fs
  .readFileSync(new URL('../data/urls.txt', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.length > 0);
let sink = 0;
const start = process.hrtime.bigint();
let n = 0;
let now;
do {
  for (let i = 0; i < list.length; i++) sink += new URL(list[i]).href.length;
  n += list.length;
  now = process.hrtime.bigint();
} while (now - start < 1000000000n);
console.log(`BENCH url_parse ${Math.round((n * 1e9) / Number(now - start))} parses/s higher`);
if (sink === 0) console.log('unreachable');
