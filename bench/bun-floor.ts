// The least any Bun CLI adds to a runtime operation, the bench's second anchor
// (run-bench.sh): start, spawn the operation, wait, exit with its code. Built
// with rocker's own executable flags (scripts/build.mjs --entry); what rocker
// takes beyond this is its own work.
const child = Bun.spawn(process.argv.slice(2), { stdin: 'inherit', stdout: 'inherit', stderr: 'inherit' });
process.exit(await child.exited);
// A module (the top-level await needs one), with nothing to export.
export {};
