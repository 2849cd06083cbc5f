// What the browser tests share: checks that print as they pass, waiting on
// a condition, logging in and out of the review UI.
'use strict';

const sleep = ms => new Promise(r => setTimeout(r, ms));

function check(cond, what) {
  if (!cond) throw new Error(what);
  console.log('ok - ' + what);
}

async function waitFor(fn, seconds, what) {
  const end = Date.now() + seconds * 1000;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > end) throw new Error('timed out: ' + what);
    await sleep(200);
  }
}

async function login(page, base, user, pw) {
  await page.goto(base + '/', { waitUntil: 'networkidle0' });
  await page.waitForSelector('#login-user');
  await page.type('#login-user', user);
  await page.type('#login-password', pw);
  await page.click('#login-submit');
  await page.waitForSelector('#who');
  await waitFor(async () => (await page.$eval('#who', e => e.textContent)).includes(user), 10, 'logged in as ' + user);
}

async function logout(page) {
  await page.click('#logout');
  await page.waitForSelector('#login-user');
}

module.exports = { sleep, check, waitFor, login, logout };
