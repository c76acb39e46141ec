// Twin of tests/test_loop_order.c: order_io.  Inside an I/O callback an
// immediate always runs before a 0 ms timer.
const fs = require('fs');
const log = (s) => console.log(s);
fs.readFile(__filename, () => {
  log('io');
  setTimeout(() => log('io.timer'), 0);
  setImmediate(() => {
    log('io.immediate');
    process.nextTick(() => log('io.immediate.tick'));
  });
  Promise.resolve().then(() => log('io.promise'));
  process.nextTick(() => log('io.tick'));
});
