// `make gallery`: a screenshot of every page and view (walk.mjs) on real runs, light and dark,
// wide and on a phone, into target/gallery/ with an index.html — to look at what a change did,
// as a user would. Prints what breaks the pages' invariants; walk.test.mjs fails on it.
import { serve, launch, newPage, ROOT } from './harness.mjs';
import { STEPS, SCREENS, load, breaches } from './walk.mjs';
import fs from 'node:fs';
import path from 'node:path';

const OUT = path.resolve(ROOT, process.argv[2] ?? 'target/gallery');
const RUNS = ['wide', 'phone'].flatMap((screen) => ['light', 'dark'].map((theme) => ({ screen, theme })));

fs.mkdirSync(OUT, { recursive: true });
const server = await serve();
const browser = await launch();
const failed = [];
const shots = [];
try {
  for (const { screen, theme } of RUNS) {
    const errors = [];
    const { viewport, ...options } = SCREENS[screen];
    const page = await newPage(browser, errors, viewport, { ...options, colorScheme: theme });
    try {
      await load(page, server.url);
      for (const [name, go] of STEPS) {
        const file = `${name}-${screen}-${theme}.png`;
        try {
          await go(page);
          await page.waitForTimeout(200);
          await page.screenshot({ path: path.join(OUT, file) });
          shots.push({ name, screen, theme, file });
          for (const b of await breaches(page)) failed.push(`${name}-${screen}-${theme}: ${b}`);
        } catch (e) {
          await page.screenshot({ path: path.join(OUT, `${name}-${screen}-${theme}.failed.png`) }).catch(() => {});
          failed.push(`${name}-${screen}-${theme}: ${e.message.split('\n')[0]}`);
        }
      }
      if (errors.length) failed.push(`${screen}-${theme}: ${errors.join('; ')}`);
    } finally {
      await page.close();
    }
  }
} finally {
  await browser.close();
  server.stop();
}
const cells = STEPS.map(([name]) => `<h2>${name}</h2><div class="row">${shots
  .filter((s) => s.name === name)
  .map((s) => `<figure><a href="${s.file}"><img src="${s.file}" loading="lazy"></a><figcaption>${s.screen} · ${s.theme}</figcaption></figure>`)
  .join('')}</div>`).join('\n');
fs.writeFileSync(path.join(OUT, 'index.html'), `<!doctype html><meta charset="utf-8"><title>Canopy gallery</title>
<style>body{font:14px system-ui;margin:16px}.row{display:flex;gap:12px;align-items:flex-start;overflow-x:auto}
figure{margin:0}img{height:420px;border:1px solid #ccc}figcaption{color:#666}</style>
<h1>Canopy gallery</h1>\n${cells}\n`);
console.log(`gallery: ${shots.length} screenshots and index.html in ${path.relative(ROOT, OUT)}/`);
if (failed.length) {
  console.error(failed.join('\n'));
  process.exit(1);
}
