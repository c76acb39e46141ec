// Twin of tests/test_stream_order.c: stream_destroy_pipeline.  source ->
// transform -> sink; the transform fails on its third chunk.  Every stream
// errors and closes once; the pipeline callback runs once with the error.
const { Readable, Transform, Writable, pipeline } = require('stream');
const log = (s) => console.log(s);
let n = 0;
const src = new Readable({
  read() { n++; this.push('c' + n); if (n === 6) this.push(null); },
});
let seen = 0;
const mid = new Transform({
  transform(chunk, enc, cb) {
    seen++;
    log('mid ' + chunk.toString());
    if (seen === 3) cb(new Error('boom')); else cb(null, chunk);
  },
});
const dst = new Writable({
  write(chunk, enc, cb) { log('dst ' + chunk.toString()); setImmediate(cb); },
});
for (const [name, s] of [['src', src], ['mid', mid], ['dst', dst]]) {
  s.on('error', (e) => log(name + ' error ' + e.message));
  s.on('close', () => log(name + ' close'));
}
pipeline(src, mid, dst, (err) => {
  log('pipeline ' + (err ? err.message : 'ok'));
  log('destroyed ' + src.destroyed + ' ' + mid.destroyed + ' ' + dst.destroyed);
});
