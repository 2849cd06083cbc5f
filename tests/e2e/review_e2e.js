// The review UI in real headless Chromium (tests/review_e2e.sh sets up the
// store, the service, the broker, the publisher and the display).
// usage: node review_e2e.js BASE_URL SCREENS_DIR SHOTS_DIR REVIEWER PASSWORD SUPERVISOR PASSWORD
'use strict';
const fs = require('fs');
const path = require('path');
const puppeteer = require('puppeteer-core');

const [base, screens, shots, reviewer, reviewerPw, supervisor, supervisorPw] = process.argv.slice(2);
const common = require('./common');
const { sleep, check, waitFor, logout } = common;
const login = (page, user, pw) => common.login(page, base, user, pw);

// Opens case ID, checks every still renders and the clip plays; returns the page's case state.
async function openCase(page, id, shotName) {
  await page.goto(base + '/#/case/' + id, { waitUntil: 'networkidle0' });
  // from another case's page the goto is a hash change: wait for this case's page
  await waitFor(async () => (await page.$eval('#case-state', e => e.dataset.case).catch(() => '')) === id, 20, 'case ' + id + ' shown');
  await page.waitForSelector('#stills img');
  // the stills load as they are scrolled to (opening the page is not looking at them)
  const lazy = await page.$$eval('#stills img', imgs => imgs.filter(i => i.loading === 'lazy').length);
  check(lazy > 0, 'the stills load lazily');
  const count = await page.$$eval('#stills img', imgs => imgs.length);
  for (let k = 0; k < count; k++) {
    await page.evaluate(k => document.querySelectorAll('#stills img')[k].scrollIntoView(), k);
    await sleep(100);
  }
  await waitFor(() => page.$$eval('#stills img', imgs => imgs.every(i => i.complete && i.naturalWidth > 0)), 20, 'every still of ' + id + ' renders');
  const n = await page.$$eval('#stills img', imgs => imgs.length);
  check(n >= 4, n + ' stills render for case ' + id.slice(0, 8));
  const boxed = await page.$$eval('#stills svg.box rect.accused', r => r.length);
  check(boxed >= 3, 'the accused is boxed on ' + boxed + ' stills');
  const zones = await page.$$eval('#stills svg.box polygon.zone', p => p.length);
  check(zones >= boxed, 'the zones are drawn on the stills (' + zones + ' outlines)');
  const bar = await page.$eval('#stills .databar', e => e.textContent);
  check(/UTC/.test(bar) && /frame \d+/.test(bar) && /signal /.test(bar) && /zone /.test(bar), 'each still has a data bar: ' + bar);
  // the clip: not fetched until played; then loaded (readyState >= 2) and playing (currentTime advances)
  await page.waitForSelector('#clip');
  check(await page.$eval('#act-confirm', b => b.disabled), 'confirm is not enabled before the clip is played');
  await page.$eval('#clip', v => v.scrollIntoView());
  await page.$eval('#clip', v => { v.muted = true; return v.play(); });
  await waitFor(() => page.$eval('#clip', v => v.readyState >= 2), 30, 'the clip loads');
  const t0 = await page.$eval('#clip', v => v.currentTime);
  await waitFor(async () => (await page.$eval('#clip', v => v.currentTime)) > t0 + 0.2, 20, 'the clip plays');
  check(true, 'the clip plays (readyState >= 2, currentTime advances)');
  await page.$eval('#clip', v => v.pause());
  const before = await page.$eval('#clip', v => v.currentTime);
  await page.click('#frame-fwd');
  await waitFor(async () => (await page.$eval('#clip', v => v.currentTime)) > before, 10, 'frame step forward');
  check(true, 'frame stepping moves the clip');
  check(await page.$('#plan polygon') !== null && await page.$('#plan circle') !== null, 'the ground plan shows zones and the path');
  if (shotName) await page.screenshot({ path: path.join(shots, shotName), fullPage: true });
  return page.$eval('#case-state', e => e.textContent);
}

async function act(page, verb) {
  const sel = '#act-' + verb;
  await page.waitForSelector(sel);
  await waitFor(() => page.$eval(sel, b => !b.disabled), 20, verb + ' enabled');
  await page.click(sel);
}

(async () => {
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--autoplay-policy=no-user-gesture-required', '--disable-dev-shm-usage'],
  });
  let failed = false;
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1400, height: 1000 });
    page.on('dialog', d => d.accept()); // "Reject this case?", "Reverse this case?"
    const errors = [];
    page.on('pageerror', e => errors.push(e.message));

    // wrong password first: the page says so
    await page.goto(base + '/', { waitUntil: 'networkidle0' });
    await page.waitForSelector('#login-user');
    await page.type('#login-user', reviewer);
    await page.type('#login-password', 'not-the-password');
    await page.click('#login-submit');
    await waitFor(async () => (await page.$eval('#login-error', e => e.textContent)).length > 0, 10, 'a wrong password is refused');
    check(true, 'a wrong password is refused: ' + await page.$eval('#login-error', e => e.textContent));

    await login(page, reviewer, reviewerPw);
    await page.waitForSelector('#queue tbody tr');
    const ids = await page.$$eval('#queue tbody tr', trs => trs.map(t => t.dataset.id));
    check(ids.length >= 3, ids.length + ' pending cases in the queue');
    const counts = await page.$eval('#counts', e => e.textContent);
    check(/pending: \d+/.test(counts), 'the queue shows counts: ' + counts);
    await page.select('#f-flag', 'legal_hold');
    await waitFor(async () => (await page.$eval('#queue-count', e => e.textContent)).startsWith('0 case'), 10, 'the legal hold filter');
    await page.select('#f-flag', '');
    await page.waitForSelector('#queue tbody tr');
    // keyboard: j moves the selection, Enter opens
    await page.keyboard.press('j');
    const selected = await page.$eval('#queue tbody tr.selected', t => t.dataset.id);
    check(selected === ids[1], 'j selects the next case');
    await page.screenshot({ path: path.join(shots, 'review-queue.png'), fullPage: false });
    await page.keyboard.press('Enter');
    await page.waitForSelector('#case-state');
    check(page.url().includes(ids[1]), 'Enter opens the selected case');

    const id = ids[0];
    const state = await openCase(page, id, null);
    check(state === 'pending', 'the case is pending');
    await act(page, 'confirm');
    await waitFor(async () => (await page.$eval('#case-state', e => e.textContent)) === 'confirmed_once', 10, 'first confirmation');
    check(true, reviewer + ' confirmed once');
    // the same officer cannot be the second: the page says so (and the server refuses: test_review)
    await page.waitForSelector('#act-confirm');
    check(await page.$eval('#act-confirm', b => b.disabled) &&
          (await page.$eval('#app', e => e.textContent)).includes('You confirmed this case'), 'the same officer cannot confirm twice');
    // a reason with markup is stored and shown as text
    await page.goto(base + '/#/case/' + ids[2], { waitUntil: 'networkidle0' });
    // a hash change: the old case's form stays until the new one is drawn
    await waitFor(async () => (await page.$eval('#case-state', e => e.dataset.case).catch(() => '')) === ids[2], 20, 'case ' + ids[2] + ' shown');
    await page.waitForSelector('#act-reason');
    await page.type('#act-reason', '<script>window.pwned=1</script><b>bold</b>');
    await page.select('#act-code', 'other');
    await page.click('#act-reject');
    await waitFor(async () => (await page.$eval('#case-state', e => e.textContent)) === 'rejected', 10, 'reject');
    const shown = await page.$$eval('#history td pre', ps => ps.map(p => p.textContent).join('\n'));
    check(shown.includes('<script>window.pwned=1</script>') && await page.$('#history b') === null &&
          await page.evaluate(() => window.pwned === undefined), 'a <script> reason is shown as text, never run');
    await logout(page);

    await login(page, supervisor, supervisorPw);
    const state2 = await openCase(page, id, 'review-case.png');
    check(state2 === 'confirmed_once', 'the supervisor sees it confirmed once');
    await act(page, 'confirm');
    await waitFor(async () => (await page.$eval('#case-state', e => e.textContent)) === 'confirmed', 10, 'second confirmation');
    check(true, supervisor + ' confirmed: the case is published');
    await waitFor(() => fs.existsSync(path.join(screens, id + '.png')), 40, 'the display shows the case');
    check(true, 'the display client rendered ' + id.slice(0, 8) + ' from the broker');

    // the public page for the QR code: published now
    const pub = await browser.newPage();
    const resp = await pub.goto(base + '/case/' + id, { waitUntil: 'networkidle0' });
    check(resp.status() === 200 && (await pub.content()).includes('How to appeal'), 'the public case page shows the published case');
    check(await pub.$eval('img', i => i.complete && i.naturalWidth > 0), 'with its redacted image');
    const unpub = await pub.goto(base + '/case/' + ids[1], { waitUntil: 'networkidle0' });
    check(unpub.status() === 404, 'an unpublished case is 404 on the public page');
    await pub.close();

    await page.type('#act-reason', 'appeal upheld: the signal was faulty');
    await act(page, 'reverse');
    await waitFor(async () => (await page.$eval('#case-state', e => e.textContent)) === 'reversed', 10, 'reverse');
    check(true, 'the supervisor reversed the case');
    await waitFor(() => !fs.existsSync(path.join(screens, id + '.png')), 40, 'the display retracts the case');
    check(true, 'the display retracted it');

    // a red-signal case recorded on an untrusted clock (this machine has no
    // time service): the supervisor checks its time and clears it to review
    const unsynced = await page.evaluate(async () => (await (await fetch('/api/cases?state=clock_unsynced')).json()));
    const held = (unsynced.cases || unsynced).map(c => c.id);
    if (held.length === 0) {
      console.log('ok - # skip: no clock_unsynced case (this machine\'s clock is trusted)');
    } else {
      await page.goto(base + '/#/case/' + held[0], { waitUntil: 'networkidle0' });
      await waitFor(async () => (await page.$eval('#case-state', e => e.dataset.case).catch(() => '')) === held[0], 20, 'case ' + held[0] + ' shown');
      check(await page.$('#act-confirm') === null || await page.$eval('#act-confirm', b => b.disabled),
            'a clock_unsynced case cannot be confirmed');
      await page.type('#act-reason', 'time checked against the signal controller log');
      await act(page, 'clear_clock');
      await waitFor(async () => (await page.$eval('#case-state', e => e.textContent)) === 'pending', 10, 'clear_clock');
      check(true, 'the supervisor cleared a clock_unsynced case to review');
    }
    await logout(page);
    check(errors.length === 0, 'no script errors on the page' + (errors.length ? ': ' + errors.join('; ') : ''));
  } catch (e) {
    console.log('not ok - ' + e.message);
    failed = true;
  } finally {
    await browser.close();
  }
  process.exit(failed ? 1 : 0);
})();
