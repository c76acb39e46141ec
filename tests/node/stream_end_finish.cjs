// Twin of tests/test_stream_order.c: stream_end_finish.  A PassThrough:
// writes, end(), and the order of 'data', 'finish', 'end', 'close' and the
// write callbacks.
const { PassThrough } = require('stream');
const log = (s) => console.log(s);
const p = new PassThrough();
p.on('data', (c) => log('data ' + c.toString()));
p.on('finish', () => log('finish'));
p.on('end', () => log('end'));
p.on('close', () => log('close'));
log('w ' + p.write('a', () => log('cb a')));
log('w ' + p.write('b', () => log('cb b')));
p.end(() => log('end cb'));
process.nextTick(() => log('tick'));
setImmediate(() => log('immediate'));
log('main');
