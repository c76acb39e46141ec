// Twin of tests/test_stream_order.c: stream_cork.  cork() buffers, uncork()
// hands everything to _writev at once; writes behind a slow writev wait,
// then go one by one to _write.
const { Writable, Readable } = require('stream');
const log = console.log;
const w = new Writable({
  highWaterMark: 4,
  write(c, e, cb) { log('_write ' + c); cb(); },
  writev(chunks, cb) { log('_writev ' + chunks.map(x => x.chunk.toString()).join(',')); setImmediate(cb); },
});
w.on('drain', () => log('drain'));
w.on('finish', () => log('finish'));
w.on('close', () => log('close'));
w.cork();
log('w ' + w.write('ab', () => log('cb ab')));
log('w ' + w.write('cd', () => log('cb cd')));
log('w ' + w.write('ef'));
process.nextTick(() => { log('uncork'); w.uncork(); log('w ' + w.write('gh', () => log('cb gh'))); w.end(() => log('end cb')); });
log('main');
