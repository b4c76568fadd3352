// A pinned view of the npm registry for the ocx tests (run by test/helpers/ocx.ts
// as a child process, since the tests block their own event loop in spawnSync):
// each package document comes from the real registry with only the pinned
// versions kept and "latest" set to the pinned one, so the tests do not depend
// on what was published today. Tarballs still come from the real registry.
// Usage: bun npm-pin-server.ts UPSTREAM LATEST VERSION...; prints its port.
export {}; // a module: its names are its own, not the DOM globals the type check also sees

const [upstream, latest, ...keep] = process.argv.slice(2) as [string, string, ...string[]];
const docs = new Map<string, string>();

const server = Bun.serve({
  hostname: '127.0.0.1',
  port: 0,
  async fetch(req) {
    const name = new URL(req.url).pathname.slice(1);
    if (!docs.has(name)) {
      const r = await fetch(`${upstream}${name}`, { headers: { accept: req.headers.get('accept') ?? 'application/json' } });
      if (!r.ok) return new Response(await r.text(), { status: r.status });
      const doc = (await r.json()) as { versions?: Record<string, unknown>; 'dist-tags'?: Record<string, string> };
      doc.versions = Object.fromEntries(keep.filter((v) => doc.versions?.[v]).map((v) => [v, doc.versions![v]]));
      doc['dist-tags'] = { latest };
      docs.set(name, JSON.stringify(doc));
    }
    return new Response(docs.get(name), { headers: { 'content-type': 'application/json' } });
  },
});
console.log(server.port);

// Ends with the test process that started it.
const parentPid = process.ppid;
setInterval(() => {
  try {
    process.kill(parentPid, 0);
  } catch {
    process.exit(0);
  }
}, 1000);
