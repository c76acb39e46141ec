// Node twin of bench/path.c: the same calls on the same inputs, ops/s.
import path from 'node:path';

const parts = ['/users', 'sean', './docs/../projects', 'asyncrt'];
const absParts = ['/var/lib', '../log', './app/', 'current.log'];
let sink = 0;
const ops = [
  ['path_posix_join', () => path.posix.join(...parts)],
  ['path_posix_normalize', () => path.posix.normalize('/a//b/../c/./d/e/../../f.txt')],
  ['path_posix_resolve', () => path.posix.resolve(...absParts)],
  ['path_posix_relative', () => path.posix.relative('/data/orandea/test/aaa', '/data/orandea/impl/bbb')],
  ['path_posix_basename', () => path.posix.basename('/a/b/c/file.tar.gz', '.gz')],
  ['path_win32_normalize', () => path.win32.normalize('C:\\a\\\\b\\..\\c\\.\\d/e/../f.txt')],
  ['path_win32_relative', () => path.win32.relative('C:\\orandea\\test\\aaa', 'C:\\orandea\\impl\\bbb')],
  ['path_posix_parse', () => path.posix.parse('/home/user/dir/file.txt').name],
];
for (const [name, fn] of ops) {
  const start = process.hrtime.bigint();
  let n = 0;
  let now;
  do {
    for (let k = 0; k < 1000; k++) sink += fn().length;
    n += 1000;
    now = process.hrtime.bigint();
  } while (now - start < 300000000n);
  console.log(`BENCH ${name} ${Math.round(n * 1e9 / Number(now - start))} ops/s higher`);
}
if (sink === 0) console.log('unreachable');
