// Recognition's suggestions in real headless Chromium (tests/recognition_ui.sh
// sets up the store and the service).
// usage: node recognition_e2e.js BASE_URL SHOTS_DIR FIRST REPEAT WATCHED REVIEWER PW SUPERVISOR PW
'use strict';
const path = require('path');
const puppeteer = require('puppeteer-core');

const [base, shots, first, repeat, watched, reviewer, reviewerPw, supervisor, supervisorPw] = process.argv.slice(2);
const common = require('./common');
const { sleep, check, waitFor, logout } = common;
const login = (page, user, pw) => common.login(page, base, user, pw);
async function openCase(page, id) {
  await page.goto(base + '/#/case/' + id, { waitUntil: 'networkidle0' });
  await waitFor(async () => (await page.$eval('#case-state', e => e.dataset.case).catch(() => '')) === id, 20, 'case ' + id.slice(0, 8) + ' shown');
}
const text = (page, sel) => page.$eval(sel, e => e.textContent).catch(() => null);

(async () => {
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    await login(page, supervisor, supervisorPw);
    await openCase(page, repeat);
    const earlier = await text(page, '#possible-earlier');
    check(earlier && earlier.includes('possible earlier case ' + first.slice(0, 8)), 'the repeat shows its possible earlier case: ' + earlier);
    check(earlier.includes('a suggestion only'), 'it says it is a suggestion');
    await page.screenshot({ path: path.join(shots, 'recognition-repeat.png'), fullPage: true });
    await openCase(page, watched);
    const match = await text(page, '#watchlist-matches');
    check(match && match.includes('"Mona"') && match.includes('suggested'), 'the supervisor sees the watchlist match: ' + match);
    check((await text(page, '#possible-earlier')) === null, 'no earlier case is suggested for another face');
    await page.screenshot({ path: path.join(shots, 'recognition-watchlist.png'), fullPage: true });
    await waitFor(() => page.$eval('img.watch-face', i => i.complete && i.naturalWidth > 0).catch(() => false), 20, 'the enrolled face shows');
    check(true, 'the enrolled face is shown beside the match');
    // without a reason the match is not confirmed
    await page.click('button[data-watch^="confirm-"]');
    await sleep(500);
    check(((await text(page, '#watchlist-matches')) || '').includes('suggested'), 'no reason: still a suggestion');
    await page.type('input.watch-reason', 'compared the two faces: the same person');
    const button = await page.$('button[data-watch^="confirm-"]');
    check(button !== null, 'a confirm button for the match');
    await button.click();
    await waitFor(async () => ((await text(page, '#watchlist-matches')) || '').includes('confirmed by ' + supervisor), 20, 'the match confirmed');
    check(true, 'the page shows the match confirmed by ' + supervisor);
    // the reviewer sees the case, not the watchlist's label
    await logout(page);
    await login(page, reviewer, reviewerPw);
    await openCase(page, watched);
    check((await text(page, '#watchlist-matches')) === null, 'the reviewer sees no watchlist match');
    const body = await page.$eval('body', e => e.textContent);
    check(!body.includes('Mona'), 'nor the watchlist label anywhere on the page');
  } finally {
    await browser.close();
  }
})().catch(e => { console.error('FAIL: ' + e.message); process.exit(1); });
