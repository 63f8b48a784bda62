import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildWeb, type WebBuild } from '../../scripts/build-web.ts';

const budgetBytes = 100 * 1024;

describe('web bundle', () => {
  let dir = '';
  let build: WebBuild;
  afterAll(async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it('builds index.html, app.js and app.css within the gzip budget', async () => {
    dir = await mkdtemp(join(tmpdir(), 'podpulse-web-'));
    build = await buildWeb(dir);
    expect(Object.keys(build.files).sort()).toEqual(['app.css', 'app.js', 'index.html']);
    const gzip = Object.values(build.files).reduce((n, f) => n + f.gzip, 0);
    expect(gzip).toBeLessThanOrEqual(budgetBytes);
  });

  it('references only its own files with a content hash: nothing from a CDN', async () => {
    const html = await readFile(join(dir, 'index.html'), 'utf8');
    expect(html).toMatch(/src="app\.js\?v=[0-9a-f]{12}"/);
    expect(html).toMatch(/href="app\.css\?v=[0-9a-f]{12}"/);
    const js = await readFile(join(dir, 'app.js'), 'utf8');
    for (const text of [html, js]) expect(text).not.toMatch(/https?:\/\/(?!localhost)[a-z]/i);
  });
});
