// Node twin of bench/https_hello.c: https.createServer with the driver's
// certificate (CERT, KEY), answering "Hello World" (text/plain).
import https from "node:https";
import fs from "node:fs";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

if (process.argv[2] === "serve") {
    https.createServer({
        cert: fs.readFileSync(process.env.CERT),
        key: fs.readFileSync(process.env.KEY),
        ALPNProtocols: ["http/1.1"],
        maxVersion: "TLSv1.2", // what mbedTLS 2.28 and the nginx peer speak
    }, (req, res) => {
        res.setHeader("Content-Type", "text/plain");
        res.end("Hello World");
    }).listen(Number(process.env.PORT), "127.0.0.1");
} else {
    const here = path.dirname(fileURLToPath(import.meta.url));
    const r = spawnSync("sh", [path.join(here, "..", "http_wrk.sh"), process.execPath,
        fileURLToPath(import.meta.url), "serve"], {
        stdio: "inherit", env: { ...process.env, HTTP_WRK_TLS: "1" },
    });
    process.exit(r.status ?? 1);
}
