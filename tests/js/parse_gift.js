// Parse a GIFT file with gift-pegjs (an independent parser) and print its JSON on stdout.
// Usage: node parse_gift.js FILE
"use strict";
const fs = require("fs");
const { parse } = require("gift-pegjs");
const text = fs.readFileSync(process.argv[2], "utf8");
try {
  process.stdout.write(JSON.stringify(parse(text), null, 1));
} catch (e) {
  process.stderr.write(`GIFT parse error: ${e.message} at ${JSON.stringify(e.location)}\n`);
  process.exit(1);
}
