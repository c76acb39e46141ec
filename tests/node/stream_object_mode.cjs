// Twin of tests/test_stream_order.c: stream_object_mode.  Object-mode
// writes that complete synchronously: Node 20 always takes the afterWrite
// tick for them (the kDestroyed precedence quirk), which moves 'finish'.
const { Writable, Readable, Duplex } = require('stream');
const log = console.log;
const w = new Writable({ objectMode: true, highWaterMark: 2, write(c, e, cb) { log('_write ' + c); cb(); } });
w.on('finish', () => log('finish'));
w.on('close', () => log('close'));
log('w ' + w.write('a'));
log('w ' + w.write('b'));
w.end();
process.nextTick(() => { log('tick1'); process.nextTick(() => log('tick2')); });
log('main');
