// Twin of tests/test_stream_order.c: stream_pipeline_ok.  source ->
// passthrough -> sink, all well: the order of every stream's 'end',
// 'finish' and 'close' and of the pipeline callback.
const { Readable, PassThrough, Writable, pipeline } = require('stream');
const log = (s) => console.log(s);
const src = new Readable({ read() {} });
const mid = new PassThrough();
const dst = new Writable({ write(c, e, cb) { log('dst ' + c); setImmediate(cb); } });
for (const [name, s] of [['src', src], ['mid', mid], ['dst', dst]]) {
  s.on('end', () => log(name + ' end'));
  s.on('finish', () => log(name + ' finish'));
  s.on('close', () => log(name + ' close'));
}
pipeline(src, mid, dst, (err) => log('pipeline ' + (err ? err.code : 'ok')));
src.push('x');
src.push('y');
src.push(null);
log('main');
