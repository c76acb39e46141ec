// Twin of tests/test_stream_order.c: stream_premature.  A pipeline whose
// middle stream is destroyed without an error: ERR_STREAM_PREMATURE_CLOSE
// for the callback, every stream destroyed with it.
const { Readable, PassThrough, Writable, pipeline } = require('stream');
const log = (s) => console.log(s);
const src = new Readable({ read() {} });
const mid = new PassThrough();
const dst = new Writable({ write(c, e, cb) { log('dst ' + c); setImmediate(cb); } });
for (const [name, s] of [['src', src], ['mid', mid], ['dst', dst]]) {
  s.on('error', (e) => log(name + ' error ' + e.code));
  s.on('close', () => log(name + ' close'));
}
pipeline(src, mid, dst, (err) => log('pipeline ' + (err ? err.code : 'ok')));
src.push('x');
setImmediate(() => { log('destroy mid'); mid.destroy(); });
