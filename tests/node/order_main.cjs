// Twin of tests/test_loop_order.c: order_main.  Timers use 0 ms; the spin
// makes Node's 1 ms minimum elapse so its output is deterministic and
// matches asyncrt, where 0 ms is due at once.
const spin = (ms) => { const end = Date.now() + ms; while (Date.now() < end); };
const log = (s) => console.log(s);
setTimeout(() => {
  log('timer1');
  process.nextTick(() => log('timer1.tick'));
  Promise.resolve().then(() => log('timer1.promise'));
  setImmediate(() => log('timer1.immediate'));
  setTimeout(() => log('timer1.timer'), 0);
  spin(3);
}, 0);
setTimeout(() => log('timer2'), 0);
setImmediate(() => {
  log('immediate1');
  process.nextTick(() => log('immediate1.tick'));
  setImmediate(() => log('immediate1.immediate'));
});
setImmediate(() => log('immediate2'));
process.nextTick(() => {
  log('tick1');
  Promise.resolve().then(() => {
    log('tick1.promise');
    process.nextTick(() => log('tick1.promise.tick'));
  });
  process.nextTick(() => log('tick1.tick'));
});
Promise.resolve().then(() => {
  log('promise1');
  process.nextTick(() => log('promise1.tick'));
  Promise.resolve().then(() => log('promise1.promise'));
});
log('main');
spin(3);
