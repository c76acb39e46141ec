// Twin of tests/test_stream_order.c: stream_pipe.  The old pipe(): a fast
// source into a slow sink with a 4-byte mark; the source pauses on a false
// write and resumes on 'drain'; the sink ends with the source.
const { Readable, Writable } = require('stream');
const log = (s) => console.log(s);
const src = new Readable({ highWaterMark: 4, read() {} });
const dst = new Writable({
  highWaterMark: 4,
  write(c, e, cb) { log('_write ' + c); setImmediate(cb); },
});
src.on('pause', () => log('pause'));
src.on('resume', () => log('resume'));
src.on('end', () => log('src end'));
src.on('close', () => log('src close'));
dst.on('drain', () => log('drain'));
dst.on('finish', () => log('finish'));
dst.on('close', () => log('dst close'));
for (const s of ['aaa', 'bbb', 'ccc', 'ddd']) log('push ' + src.push(s));
src.push(null);
src.pipe(dst);
log('main');
