/**
 * Builds the dashboard into `src/web/dist/` (git-ignored): `app.js` (one ES module bundle of
 * src/web/main.ts and what it imports), `app.css`, and `index.html` referencing both with a
 * content hash so browsers never mix an old script with a new page. No CDN, nothing fetched.
 *
 * Runs on `npm ci` (prepare), before `npm start` (prestart) and in `npm run build`; takes well
 * under a second. Usage: `node scripts/build-web.ts [--outdir DIR]`.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const webDir = join(root, 'src', 'web');

/** Where `podpulse serve` finds the built page by default. */
export const defaultWebDist = join(webDir, 'dist');

export interface WebBuild {
  outdir: string;
  /** Output file name → size in bytes, raw and gzipped. */
  files: Record<string, { bytes: number; gzip: number }>;
}

/**
 * Builds the page into `outdir`, overwriting its three files in place (no window in which a
 * running server finds the directory empty). Throws on a build error, leaving the old files.
 */
export async function buildWeb(outdir: string = defaultWebDist): Promise<WebBuild> {
  await mkdir(outdir, { recursive: true });
  const result = await esbuild.build({
    entryPoints: [
      { in: join(webDir, 'main.ts'), out: 'app' },
      { in: join(webDir, 'styles.css'), out: 'app' },
    ],
    outdir,
    bundle: true,
    format: 'esm',
    target: ['es2022', 'chrome111', 'firefox113', 'safari16.4'],
    minify: true,
    legalComments: 'none',
    platform: 'browser',
    tsconfig: join(webDir, 'tsconfig.json'),
    write: false,
    logLevel: 'silent',
  });
  const files: WebBuild['files'] = {};
  const hash = createHash('sha256');
  for (const f of result.outputFiles) {
    await writeFile(f.path, f.contents);
    hash.update(f.contents);
    files[f.path.slice(outdir.length + 1)] = {
      bytes: f.contents.length,
      gzip: gzipSync(f.contents).length,
    };
  }
  const version = hash.digest('hex').slice(0, 12);
  const html = (await readFile(join(webDir, 'index.html'), 'utf8'))
    .replace('href="app.css"', `href="app.css?v=${version}"`)
    .replace('src="app.js"', `src="app.js?v=${version}"`);
  await writeFile(join(outdir, 'index.html'), html);
  const htmlBytes = Buffer.from(html);
  files['index.html'] = { bytes: htmlBytes.length, gzip: gzipSync(htmlBytes).length };
  return { outdir, files };
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  const i = process.argv.indexOf('--outdir');
  const outdir = i > 0 ? resolve(process.argv[i + 1] ?? '') : defaultWebDist;
  buildWeb(outdir).then(
    (b) => {
      const total = Object.values(b.files).reduce((n, f) => n + f.gzip, 0);
      process.stdout.write(
        `web: built ${Object.keys(b.files).join(', ')} into ${b.outdir} (${(total / 1024).toFixed(1)} KiB gzip)\n`,
      );
    },
    (err: unknown) => {
      process.stderr.write(
        `web: build failed: ${err instanceof Error ? err.message : String(err)}\n`,
      );
      process.exitCode = 1;
    },
  );
}
