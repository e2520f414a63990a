// The crafted 5 MB payload of the redaction test and benchmark: long runs that made the old
// regular expressions backtrack in the browser (80 KB without an `@`, JWT heads without dots,
// digit and base64 runs), and a few planted secrets whose masking is checked.
export const PLANTED = {
  email: 'maria.garcia@example.com',
  key: 'sk-proj-AbCdEfGhIj415-555-0132',
  basic: 'dXNlcjpwYXNz',
  card: '4111 1111 1111 1111',
  ip: '10.20.30.40',
};

export const LETTERS = 'abcdefghijklmnopqrstuvwxyz'.repeat(4000).slice(0, 82_000);

/** A Langfuse trace file whose generation's output holds about 5.2 MB of crafted text. */
export function bigTraceFile() {
  const output = {};
  for (let i = 0; i < 40; i++) output[`words${i}`] = LETTERS;
  for (let i = 0; i < 8; i++) output[`digits${i}`] = '1234567890'.repeat(10_000);
  for (let i = 0; i < 8; i++) output[`base64${i}`] = 'QUJDRGVmZ2hpams0NTY3ODkw+/'.repeat(4_000);
  output.spaced = '1 '.repeat(50_000);
  output.jwtish = 'eyJ-'.repeat(25_000);
  output.dots = 'a.'.repeat(50_000);
  output.planted = `mail ${PLANTED.email}, key ${PLANTED.key}, Authorization: Basic ${PLANTED.basic}, ` +
    `card ${PLANTED.card} from ${PLANTED.ip}`;
  return JSON.stringify({
    trace: { id: 'big-1', name: 'big', timestamp: '2025-01-01T00:00:00.000Z' },
    observations: [{ id: 'g', type: 'GENERATION', name: 'gen', startTime: '2025-01-01T00:00:00.000Z',
      endTime: '2025-01-01T00:00:01.000Z', output }],
  });
}

/** What the preview says for that file with every detector ticked. */
export const BIG_PREVIEW =
  'Will mask: 1 card value (1 distinct), 1 email value (1 distinct), 1 ip value (1 distinct), 2 secret values (2 distinct)';

/** Clicks Preview and resolves to the milliseconds, timed in the page from the click to the
 *  status's change (the preview runs in the click's handler). Needs a fresh dialog (empty status). */
export async function timedPreview(page, timeout = 120_000) {
  await page.evaluate(() => {
    const status = document.querySelector('.export-status');
    const button = document.querySelector('#export-preview');
    window.__previewDone = new Promise((resolve) => {
      let start = 0;
      button.addEventListener('click', () => { start = performance.now(); }, { capture: true, once: true });
      new MutationObserver((_, obs) => { obs.disconnect(); resolve(performance.now() - start); })
        .observe(status, { childList: true, characterData: true, subtree: true });
    });
  });
  await page.click('#export-preview');
  return page.evaluate((t) => Promise.race([window.__previewDone,
    new Promise((_, reject) => setTimeout(() => reject(new Error('preview did not finish')), t))]), timeout);
}
