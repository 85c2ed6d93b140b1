#!/usr/bin/env node
// A stand-in OpenAI upstream for the idle-stream check (issue 11): every streamed chat completion
// gets its headers and OpenAI's role-only first chunk at once, then nothing until RELEASE is
// requested (POST /release) or HOLD_SECONDS pass, then one content chunk, a finish chunk and
// [DONE]. So N clients hold N idle streams through the service for as long as the check wants.
// Usage: node hold-upstream.mjs PORT [HOLD_SECONDS]
import http from 'node:http';

const port = Number(process.argv[2] || 18083);
const holdSeconds = Number(process.argv[3] || 120);
const held = new Set();
let accepted = 0;
const chunk = (delta, finish) => 'data: ' + JSON.stringify({
  id: 'chatcmpl-hold', object: 'chat.completion.chunk', created: 1, model: 'gpt-4.1-mini',
  system_fingerprint: null,
  choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
}) + '\n\n';

function finish(res) {
  if (!held.delete(res)) return;
  res.write(chunk({ content: 'Held.' }, null));
  res.write(chunk({}, 'stop'));
  res.end('data: [DONE]\n\n');
}

const server = http.createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/release') {
    const n = held.size;
    for (const r of [...held]) finish(r);
    res.end(JSON.stringify({ released: n }));
    return;
  }
  if (req.method === 'GET' && req.url === '/stats') {
    res.end(JSON.stringify({ accepted, held: held.size }));
    return;
  }
  req.resume();
  req.on('end', () => {
    accepted++;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(chunk({ role: 'assistant', content: '' }, null));
    held.add(res);
    res.on('close', () => held.delete(res));
    setTimeout(() => finish(res), holdSeconds * 1000).unref();
  });
});
server.maxConnections = 100000;
server.keepAliveTimeout = 0;
server.headersTimeout = 0;
server.requestTimeout = 0;
server.listen(port, '127.0.0.1', () => console.error(`hold-upstream on 127.0.0.1:${port}, hold ${holdSeconds}s`));
