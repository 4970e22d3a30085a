// A real SMTP server for the Notification tests (smtp-server from npm): accepts every message to anyone and prints
// each one as a JSON line on stdout: {"type":"message","from":…,"to":[…],"raw":"<the RFC 5322 message>"}.
// Usage: node sink.js <port> [host]   (port 0 picks a free one; the first line printed is {"type":"listening","port":N})
// With SINK_DIR set, each message is also written to that directory as <n>.json.
'use strict';
const fs = require('fs');
const path = require('path');
const { SMTPServer } = require('smtp-server');

const port = Number.parseInt(process.argv[2] || '0', 10);
const host = process.argv[3] || '127.0.0.1';
const dir = process.env.SINK_DIR;
let count = 0;

const server = new SMTPServer({
  // Plain SMTP on loopback: no TLS to negotiate, and any (or no) credentials are accepted.
  disabledCommands: ['STARTTLS'],
  authOptional: true,
  onAuth(auth, session, callback) {
    callback(null, { user: auth.username });
  },
  logger: false,
  size: 10 * 1024 * 1024,
  onData(stream, session, callback) {
    const chunks = [];
    stream.on('data', (chunk) => chunks.push(chunk));
    stream.on('end', () => {
      const message = {
        type: 'message',
        from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
        to: session.envelope.rcptTo.map((r) => r.address),
        raw: Buffer.concat(chunks).toString('utf8'),
      };
      const line = JSON.stringify(message);
      if (dir) {
        count += 1;
        fs.writeFileSync(path.join(dir, `${count}.json`), line);
      }
      process.stdout.write(line + '\n', () => callback());
    });
  },
});

server.on('error', (err) => {
  process.stderr.write(`smtp sink error: ${err.message}\n`);
});

server.listen(port, host, () => {
  process.stdout.write(JSON.stringify({ type: 'listening', port: server.server.address().port }) + '\n');
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
