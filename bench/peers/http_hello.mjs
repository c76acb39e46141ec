// Node twin of bench/http_hello.c: http.createServer answering
// "Hello World" (text/plain), under the same wrk driver.
import http from "node:http";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

if (process.argv[2] === "serve") {
    http.createServer((req, res) => {
        res.setHeader("Content-Type", "text/plain");
        res.end("Hello World");
    }).listen(Number(process.env.PORT), "127.0.0.1");
} else {
    const here = path.dirname(fileURLToPath(import.meta.url));
    const r = spawnSync("sh", [path.join(here, "..", "http_wrk.sh"), process.execPath,
        fileURLToPath(import.meta.url), "serve"], { stdio: "inherit" });
    process.exit(r.status ?? 1);
}
