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

// What a customer types without switching the input method, run together, in their own
// words (synonyms of site.toml, keywords of the front matter), with question words.
export const CUSTOMER_QUERIES = [
  // pinyin, with and without spaces
  ['qudong', '02-drivers/install-driver.html'],
  ['qu dong', '02-drivers/install-driver.html'],
  ['mima wangji', '05-usb-key/forgot-or-locked-pin.html'],
  ['mimawangji', '05-usb-key/forgot-or-locked-pin.html'],
  ['suosi', '05-usb-key/forgot-or-locked-pin.html'],
  ['heimingdan', '04-network/no-blacklist.html'],
  ['chushi mima', '05-usb-key/initial-pin.html'],
  ['lanjie', '03-environment/window-blocked.html'],
  // Latin run into Chinese or into other Latin
  ['usbkey丢失', '05-usb-key/lost-usb-key.html'],
  ['USBKey灯不亮', '05-usb-key/led-off.html'],
  ['ukey密码忘了', '05-usb-key/forgot-or-locked-pin.html'],
  // synonyms
  ['U盾丢了', '05-usb-key/lost-usb-key.html'],
  ['UKey初始口令', '05-usb-key/initial-pin.html'],
  ['U盾插上没反应', '02-drivers/usb-key-no-response.html'],
  ['网页进不去', '03-environment/page-cannot-be-displayed.html'],
  ['说明书', '07-other/user-manual.html'],
  // keywords
  ['出厂密码', '05-usb-key/initial-pin.html'],
  ['上不了网', '01-prerequisites/network-access.html'],
  ['防火墙', '04-network/port-blocked.html'],
  ['报税', '07-other/tax-website.html'],
  ['电脑日期不对', '03-environment/expired-or-not-yet-valid.html'],
  ['不买行不行', '07-other/is-it-mandatory.html'],
  ['弹窗被拦了', '03-environment/window-blocked.html'],
  // question words weigh little
  ['密码忘了怎么办', '05-usb-key/forgot-or-locked-pin.html'],
  ['为什么灯不亮', '05-usb-key/led-off.html'],
  ['请问怎么补办', '05-usb-key/lost-usb-key.html'],
];

// Held out: written before the keywords and synonyms were tuned, never tuned against. Their
// pass count is reported, and must not fall below half.
export const HELD_OUT = [
  ['ukey丢了', '05-usb-key/lost-usb-key.html'],
  ['mima cuowu', '05-usb-key/forgot-or-locked-pin.html'],
  ['证书到期了怎么续', '06-renewal/online-renewal-steps.html'],
  ['电脑认不出U盾', '02-drivers/usb-key-no-response.html'],
  ['zhengshu guoqi', '03-environment/expired-or-not-yet-valid.html'],
  ['业务系统老是进不去', '04-network/site-unreachable.html'],
  ['U盾灯不亮', '05-usb-key/led-off.html'],
  ['办证书要带哪些材料', '06-renewal/renewal-documents.html'],
];

function misses(table) {
  const out = [];
  for (const [q, url] of table) {
    const top = engine.search(q, 3).map((r) => r.doc.url);
    if (!top.includes(url)) out.push(`${q} → ${JSON.stringify(top)} (want ${url})`);
  }
  return out;
}

test('customer queries: pinyin, run-together, synonyms, keywords, question words', () => {
  const m = misses(CUSTOMER_QUERIES);
  assert.deepEqual(m, [], m.join('\n'));
});

test('held-out customer queries (reported)', () => {
  const m = misses(HELD_OUT);
  console.log(`held-out: ${HELD_OUT.length - m.length}/${HELD_OUT.length} in the top 3${m.length ? '\n  ' + m.join('\n  ') : ''}`);
  assert.ok(HELD_OUT.length - m.length >= HELD_OUT.length / 2, m.join('\n'));
});

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

test('question words weigh little: the symptom decides', () => {
  const cases = [
    ['如何解锁', '05-usb-key/forgot-or-locked-pin.html'],
    ['请问黑名单', '04-network/no-blacklist.html'],
    ['地税吗', '07-other/tax-website.html'],
    ['端口怎么办', '04-network/port-blocked.html'],
  ];
  for (const [q, url] of cases) {
    const r = engine.search(q, 10);
    assert.equal(r[0].doc.url, url, q);
    // What matches only the question word counts less than what matches the symptom.
    r.slice(1).forEach((x) => assert.ok(x.words < r[0].words, `${q}: ${x.doc.url} matches as much`));
  }
});

test('the index tells the client its fields, boosts and special words', () => {
  const o = data.options;
  assert.deepEqual(plain(Object.keys(o.fields).sort()), ['body', 'chapter', 'keywords', 'tags', 'title']);
  assert.equal(o.fields.keywords, o.fields.title);
  assert.ok(o.stop_words.includes('的'));
  assert.ok(o.weak_words['怎么办'] < 1);
  assert.ok(o.synonyms.some((g) => g.words.includes('u盾')));
  assert.ok(Object.keys(data.pinyin).length > 100);
});

test('titles are highlighted like snippets', () => {
  const r = engine.search('mima wangji', 1)[0];
  const marked = api.highlight(r.doc.title, plain(r.terms)).filter((p) => p.mark).map((p) => p.text);
  assert.deepEqual(plain(marked), ['密码', '忘记']);
});

test('contact questions show the site\'s contact entries', () => {
  const labels = (q) => plain(engine.contacts(q).map((c) => c.label));
  assert.deepEqual(labels('客服电话'), ['客服电话', '受理地址', '网址']);
  assert.deepEqual(labels('电话'), ['客服电话']);
  assert.deepEqual(labels('地址在哪'), ['受理地址']);
  assert.deepEqual(labels('网址'), ['网址']);
  assert.deepEqual(labels('更新地址'), []);
  assert.deepEqual(labels('驱动'), []);
  assert.equal(api.contactHref({ label: 'x', value: '0574-87304500' }), 'tel:057487304500');
  assert.equal(api.contactHref({ label: 'x', value: 'www.example.com' }), 'https://www.example.com');
  assert.equal(api.contactHref({ label: 'x', value: '宁波市' }), '');
});

test('nothing found: the closest questions by shared characters', () => {
  assert.deepEqual(plain(engine.search('魑魅魍魉')), []);
  assert.deepEqual(plain(engine.closest('魑魅魍魉', 3)), []);
  const near = engine.closest('魑魅黑名魉', 3);
  assert.equal(near[0].doc.url, '04-network/no-blacklist.html');
  assert.ok(near.every((r, i) => i === 0 || r.shared <= near[i - 1].shared));
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

test('snippets begin and end at punctuation, not inside a word', () => {
  const text = '第一句话讲的是别的事情。请先卸载驱动程序再重新安装驱动程序，然后重启电脑即可正常使用。最后一句也是别的。';
  const pieces = plain(api.snippet(text, ['重新安装'], 20));
  const body = pieces.map((p) => p.text).join('').replace(/…/g, '');
  assert.ok(text.includes(body));
  const at = text.indexOf(body);
  assert.ok(at === 0 || '，。'.includes(text[at - 1]), `starts after punctuation: ${body}`);
  const last = body[body.length - 1];
  assert.ok(at + body.length === text.length || '，。'.includes(last), `ends at punctuation: ${body}`);
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
