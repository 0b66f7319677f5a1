// Parse a GIFT file with gift-pegjs (an independent GIFT parser) and print its JSON.
// Usage: node gift-parse.js FILE   (exit 1 with the parser's message on a syntax error)
"use strict";
const fs = require("fs");
const parser = require("gift-pegjs");
try {
  process.stdout.write(JSON.stringify(parser.parse(fs.readFileSync(process.argv[2], "utf8"))));
} catch (err) {
  process.stderr.write(`${err.name}: ${err.message} at ${JSON.stringify(err.location)}\n`);
  process.exit(1);
}
