// Twin of tests/test_loop_order.c: order_nested.  Microtasks queued by
// microtasks, ticks queued by ticks, and an interval cleared on its 3rd run.
const spin = (ms) => { const end = Date.now() + ms; while (Date.now() < end); };
const log = (s) => console.log(s);
let n = 0;
const iv = setInterval(() => {
  n++;
  log('interval ' + n);
  Promise.resolve().then(() => log('interval.promise ' + n));
  if (n === 3) clearInterval(iv);
  spin(3);
}, 0);
setImmediate(() => {
  log('immediate');
  Promise.resolve()
    .then(() => { log('p.a'); process.nextTick(() => log('p.a.tick')); })
    .then(() => log('p.b'));
  process.nextTick(() => {
    log('tick.a');
    process.nextTick(() => log('tick.a.tick'));
  });
});
spin(3);
