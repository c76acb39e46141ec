// Child of bench/peers/ipc.mjs: echoes every message back to the parent.
process.on("message", (m) => process.send(m));
process.on("disconnect", () => process.exit(0));
