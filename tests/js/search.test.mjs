// node --test tests/js/search.test.mjs  (FAQSITE_SEARCH_INDEX=path/to/search-index.js)
// Real user queries against the index built from this repo's content: the expected question
// must be in the top 3.
import test from 'node:test';
import assert from 'node:assert/strict';
import { load } from './load.mjs';

const { api, engine, data } = load();
// Values made in the sandbox have its own Array prototype: compare plain copies.
const plain = (x) => JSON.parse(JSON.stringify(x));

export const QUERIES = [
  ['USB Key 锁死', '05-usb-key/forgot-or-locked-pin.html'],
  ['忘记密码', '05-usb-key/forgot-or-locked-pin.html'],
  ['解锁', '05-usb-key/forgot-or-locked-pin.html'],
  ['PIN码', '05-usb-key/initial-pin.html'],
  ['初始口令', '05-usb-key/initial-pin.html'],
  ['ＵＳＢ ＫＥＹ 初始密码', '05-usb-key/initial-pin.html'],
  ['安装驱动', '02-drivers/install-driver.html'],
  ['驱动下载', '02-drivers/install-driver.html'],
  ['驱', '02-drivers/install-driver.html'],
  ['驱动是否安装成功', '02-drivers/verify-driver.html'],
  ['插入USB Key没反应', '02-drivers/usb-key-no-response.html'],
  ['证书过期', '03-environment/expired-or-not-yet-valid.html'],
  ['系统时间', '03-environment/expired-or-not-yet-valid.html'],
  ['黑名单', '04-network/no-blacklist.html'],
  ['窗口被拦截', '03-environment/window-blocked.html'],
  ['弹出窗口', '03-environment/window-blocked.html'],
  ['无法显示该网页', '03-environment/page-cannot-be-displayed.html'],
  ['IE 保护模式', '03-environment/page-cannot-be-displayed.html'],
  ['ssl', '03-environment/page-cannot-be-displayed.html'],
  ['端口', '04-network/port-blocked.html'],
  ['证书链', '03-environment/cannot-verify-certificate.html'],
  ['安全证书有问题', '03-environment/security-certificate-problem.html'],
  ['usb key 灯不亮', '05-usb-key/led-off.html'],
  ['遗失', '05-usb-key/lost-usb-key.html'],
  ['补办', '05-usb-key/lost-usb-key.html'],
  ['天威盾保养', '05-usb-key/care.html'],
  ['在线更新网址', '06-renewal/renewal-addresses.html'],
  ['更新地址', '06-renewal/renewal-addresses.html'],
  ['在线更新怎么操作', '06-renewal/online-renewal-steps.html'],
  ['更新证书需要什么资料', '06-renewal/renewal-documents.html'],
  ['警告对话框', '06-renewal/renewal-warnings.html'],
  ['更新页面空白', '06-renewal/blank-renewal-page.html'],
  ['U盘', '07-other/usb-drive.html'],
  ['什么是数字证书', '07-other/what-is-a-certificate.html'],
  ['使用手册', '07-other/user-manual.html'],
  ['地税', '07-other/tax-website.html'],
  ['证书有效期', '01-prerequisites/certificate-valid.html'],
  ['证书管理工具', '01-prerequisites/tool-running.html'],
  ['0574-87304500 黑名单', '04-network/no-blacklist.html'],
  ['1111', '05-usb-key/initial-pin.html'],
  ['TW15', '02-drivers/verify-driver.html'],
  ['6次 锁死', '05-usb-key/forgot-or-locked-pin.html'],
];

test('the query table: expected answer in the top 3', () => {
  const misses = [];
  for (const [q, url] of QUERIES) {
    const top = engine.search(q, 3).map((r) => r.doc.url);
    if (!top.includes(url)) misses.push(`${q} → ${JSON.stringify(top)} (want ${url})`);
  }
  assert.equal(QUERIES.length >= 20, true);
  assert.deepEqual(misses, [], misses.join('\n'));
});

test('normalize folds full width and case like the Rust side', () => {
  assert.equal(api.normalize('ＵＳＢ Key１１１１'), 'usb key1111');
  assert.equal(api.normalize('PIN码\u3000口令'), 'pin码 口令');
});

test('queries are segmented against the index vocabulary', () => {
  assert.deepEqual(plain(engine.segment('安装驱动')), ['安装', '驱动']);
  assert.deepEqual(plain(engine.segment('PIN码')), ['pin', '码']);
  assert.deepEqual(plain(engine.segment('忘记密码')), ['忘记', '密码']);
  assert.deepEqual(plain(engine.segment('USB Key 锁死')), ['usb', 'key', '锁死']);
});

test('partial words expand to the words that start with them', () => {
  const r = engine.search('驱', 10);
  assert.ok(r.length >= 3);
  assert.ok(r.every((x) => x.terms.some((t) => t.startsWith('驱'))));
});

test('documents matching more query words rank higher', () => {
  const r = engine.search('驱动 锁死', 10);
  // The only answers containing both words come before any that contain one.
  const both = r.filter((x) => x.words === 2).length;
  r.forEach((x, i) => { if (i < both) assert.equal(x.words, 2); });
  const locked = engine.search('USB Key 锁死', 1)[0];
  assert.equal(locked.doc.url, '05-usb-key/forgot-or-locked-pin.html');
});

test('nothing found for nonsense; empty query gives nothing', () => {
  assert.deepEqual(plain(engine.search('zzzqqq')), []);
  assert.deepEqual(plain(engine.search('   ')), []);
});

test('snippets highlight the matched words', () => {
  const pieces = api.snippet('宁波CA的数字证书USB Key初始密码（PIN码）为：1111', ['pin', '1111'], 40);
  const marked = pieces.filter((p) => p.mark).map((p) => p.text);
  assert.deepEqual(plain(marked), ['PIN', '1111']);
});

test('the index carries one document per question with what the result list needs', () => {
  const refs = Object.keys(data.docs);
  assert.equal(refs.length, 32);
  for (const r of refs) {
    const d = data.docs[r];
    assert.ok(d.url && d.title && d.chapter && d.number, r);
    assert.ok(!/<[a-z]/i.test(d.body), `${r}: body is plain text`);
  }
});
