#!/usr/bin/env node
// Opens N concurrent streamed chat completions against URL (one connection each), waits until
// every one has received its first bytes (the stream is open and idle) or TIMEOUT_SECONDS pass,
// prints {"open":n}, then waits for stdin's "go" line (the caller releases the upstream) and
// reports how many streams ended with [DONE] and how many failed.
// Usage: node idle-clients.mjs URL N [TIMEOUT_SECONDS]
import http from 'node:http';
import readline from 'node:readline';

const url = new URL(process.argv[2]);
const n = Number(process.argv[3] || 10000);
const timeoutSeconds = Number(process.argv[4] || 120);
const body = Buffer.from(JSON.stringify({
  model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'Hold on' }], stream: true,
}));
const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
let open = 0, done = 0, failed = 0;
const errors = {};

function one() {
  return new Promise((resolve) => {
    let first = false, text = '';
    const req = http.request(url, {
      method: 'POST', agent,
      headers: { 'content-type': 'application/json', 'content-length': body.length },
    }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (d) => {
        if (!first) { first = true; open++; }
        text += d;
      });
      res.on('end', () => {
        if (res.statusCode === 200 && text.includes('data: [DONE]')) done++;
        else { failed++; errors['status ' + res.statusCode] = (errors['status ' + res.statusCode] || 0) + 1; }
        resolve();
      });
    });
    req.on('error', (e) => { failed++; errors[e.code || e.message] = (errors[e.code || e.message] || 0) + 1; resolve(); });
    req.end(body);
  });
}

const all = [];
for (let i = 0; i < n; i++) {
  all.push(one());
  if (i % 500 === 499) await new Promise((r) => setTimeout(r, 50)); // do not SYN-flood the accept queue
}
const deadline = Date.now() + timeoutSeconds * 1000;
while (open + failed < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
console.log(JSON.stringify({ open, failed, errors }));
const rl = readline.createInterface({ input: process.stdin });
await new Promise((resolve) => rl.once('line', resolve));
rl.close();
await Promise.race([Promise.all(all), new Promise((r) => setTimeout(r, timeoutSeconds * 1000))]);
console.log(JSON.stringify({ requested: n, completed: done, failed, errors }));
process.exit(0);
