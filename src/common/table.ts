/**
 * Aligned columns with two spaces between them and no trailing blanks, the
 * layout the seed's `images` and `ps` tables use (no borders, header first).
 * Plain loops: a listing's 1,000 rows run in the interpreter (the build's JIT
 * policy), where the mapped version cost ~1 ms more.
 */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h) => h.length);
  for (const r of rows) {
    for (let c = 0; c < r.length; c++) {
      const n = r[c]!.length;
      if (n > (widths[c] ?? 0)) widths[c] = n;
    }
  }
  let out = line(header, widths);
  for (const r of rows) out += `\n${line(r, widths)}`;
  return out;
}

/** A row's cells padded to their column, the last one as it is. */
function line(r: readonly string[], widths: readonly number[]): string {
  const last = r.length - 1;
  let s = '';
  for (let c = 0; c < last; c++) s += `${r[c]!.padEnd(widths[c]!)}  `;
  return last < 0 ? '' : (s + r[last]!).trimEnd();
}
