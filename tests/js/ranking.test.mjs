// node --test tests/js/ranking.test.mjs
// The ranking and highlighting rules of search.js, on small indexes made here (no build):
// relevance decides a result's place, not how many query words it touches by prefix. And the
// UI strings' plural forms, which the result count shares with the templates.
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import assert from 'node:assert/strict';
import { engineApi, repo, smallIndex } from './load.mjs';

const api = engineApi();
const plain = (x) => JSON.parse(JSON.stringify(x));
const urls = (engine, q) => engine.search(q, 10).map((r) => r.doc.url);
// Documents that make the words of the tests rarer or commoner, as in a real site.
const filler = (n) => Array.from({ length: n }, (_, i) => ({ title: ['other', `topic${i}`], body: ['some', 'text', `word${i}`] }));

test('an exact match of a rare word beats any number of prefix matches', () => {
  const engine = new api.Engine(smallIndex([
    { title: ['sudo', 'bad'], body: ['why', 'sudo', 'bad'] },
    { title: ['running', 'brewfile'], body: ['without', 'brewing', 'runs', 'withdraw', 'runner'] },
    ...filler(20),
  ], { weak: { with: 0.2 } }));
  assert.deepEqual(plain(urls(engine, 'run brew with sudo')).slice(0, 2), ['0.html', '1.html']);
});

test('a rare word exactly in the title beats more words by prefix in the body', () => {
  const engine = new api.Engine(smallIndex([
    { title: ['token'], body: ['some', 'text'] },
    { title: ['misc'], body: ['tokens', 'expiredness', 'some', 'text', 'more'] },
    ...filler(20),
  ]));
  assert.deepEqual(plain(urls(engine, 'token expired')).slice(0, 2), ['0.html', '1.html']);
});

test('a title match beats the same word in a long body; a question word counts little', () => {
  const engine = new api.Engine(smallIndex([
    { title: ['how', 'install'], body: ['how', 'to', 'install', 'it'] },
    { title: ['reset', 'pin'], body: ['reset', 'the', 'pin', 'here'] },
    { title: ['misc'], body: ['first', 'reset', 'then', 'something', 'else', 'entirely', 'how'] },
    ...filler(10),
  ], { weak: { how: 0.2 } }));
  assert.deepEqual(plain(urls(engine, 'how reset')).slice(0, 3), ['1.html', '2.html', '0.html']);
});

test('a word of the query beats characters the segmenter could not join into one', () => {
  // 不通 is no index term: the query is 网络, 不, 通.
  const engine = new api.Engine(smallIndex([
    { title: ['网络', '故障'], body: ['网络', '连接', '故障'] },
    { title: ['不', '通', '知'], body: ['不', '通', '知', '道'] },
    ...filler(10),
  ]));
  assert.deepEqual(plain(engine.segment('网络不通')), ['网络', '不', '通']);
  assert.deepEqual(plain(urls(engine, '网络不通')), ['0.html', '1.html']);
});

test('a Latin word the index has in another form is that word, not other words run together', () => {
  const engine = new api.Engine(smallIndex([
    { title: ['can', 'i', 'overload', 'operators'], body: ['operators', 'overloaded'] },
    { title: ['dynamic', 'library', 'loading'] },
    { title: ['iterate', 'over', 'a', 'collection'] },
    { title: ['usb', 'key', 'lost'] },
    ...filler(10),
  ]));
  assert.deepEqual(plain(engine.segment('operator overloading')), ['operator', 'overloading']);
  assert.deepEqual(plain(urls(engine, 'operator overloading')), ['0.html']);
  // Words run together that no index word begins with are still split (usbkey → usb key).
  assert.deepEqual(plain(engine.segment('usbkey')), ['usb', 'key']);
});

test('a compound query word also matches its parts, below the compound itself', () => {
  // The index holds a compound and its parts (jieba's search mode), text with a part alone.
  const engine = new api.Engine(smallIndex([
    { title: ['清理', '磁盘空间', '磁盘', '空间'], body: [] },
    { title: ['空间', '不足'], body: ['空间', '不足', '怎么', '办'] },
    { title: ['网络'], body: ['网络', '断开'] },
    ...filler(10),
  ]));
  assert.deepEqual(plain(engine.segment('磁盘空间')), ['磁盘空间']);
  assert.deepEqual(plain(urls(engine, '磁盘空间')), ['0.html', '1.html']);
  const part = engine.search('磁盘空间', 10)[1];
  assert.ok(part.words < engine.search('磁盘空间', 10)[0].words, 'a part covers less of the word');
});

test('highlights cover whole words only', () => {
  const marks = (pieces) => plain(pieces.filter((p) => p.mark).map((p) => p.text));
  assert.deepEqual(marks(api.highlight('Homebrew without sudo, with brew', ['brew', 'with', 'sudo'])), ['sudo', 'with', 'brew']);
  // A single Chinese character is marked standing alone, not inside a word of others.
  assert.deepEqual(marks(api.highlight('老集群是否可以 PIN码', ['老', '是', '码', 'pin'])), ['PIN', '码']);
  // Longer Chinese words are marked inside compounds (the index has the parts too).
  assert.deepEqual(marks(api.highlight('清理磁盘空间', ['空间'])), ['空间']);
});

test('a longer word a query word begins is highlighted only as the word being typed', () => {
  const engine = new api.Engine(smallIndex([{ title: ['without', 'sudo', 'operators'] }, ...filler(5)]));
  const terms = (q) => plain(engine.search(q, 1)[0].terms).sort();
  assert.deepEqual(terms('with sudo'), ['sudo']);
  assert.deepEqual(terms('operator sudo'), ['operators', 'sudo'], 'an inflection is highlighted');
  assert.deepEqual(terms('sudo with'), ['sudo', 'without'], 'the last word is still being typed');
});

test('a highlight is never cut at the end of a snippet', () => {
  const text = '甲'.repeat(10) + '磁盘空间' + '乙'.repeat(8) + '网络连接' + '丙'.repeat(40);
  const pieces = plain(api.snippet(text, ['磁盘空间', '网络连接'], 20));
  assert.deepEqual(pieces.filter((p) => p.mark).map((p) => p.text), ['磁盘空间', '网络连接']);
  assert.equal(pieces[pieces.length - 1].text, '…');
  assert.ok(text.includes(pieces.slice(1, -1).map((p) => p.text).join('')));
});

test('a snippet given room (in em) fits it, the "…" included, and ends before a highlight it cannot hold', () => {
  const width = (t) => Array.from(t).reduce((n, c) => n + (/[\u2e80-\ua4cf\uff00-\uff60]/.test(c) ? 1 : 0.56), 0);
  const text = '甲'.repeat(30) + '磁盘空间' + '乙'.repeat(13) + '网络连接' + '丙'.repeat(40);
  const pieces = plain(api.snippet(text, ['磁盘空间', '网络连接'], 120, 30));
  assert.ok(width(pieces.map((p) => p.text).join('')) <= 30, JSON.stringify(pieces));
  assert.deepEqual(pieces.filter((p) => p.mark).map((p) => p.text), ['磁盘空间'], 'the second would not fit whole');
  assert.equal(pieces[pieces.length - 1].text, '\u2026');
  const latin = plain(api.snippet(`${'word '.repeat(20)}needle ${'more '.repeat(40)}`, ['needle'], 120, 24));
  assert.ok(width(latin.map((p) => p.text).join('')) <= 24 && latin.some((p) => p.mark), JSON.stringify(latin));
});

test('query words split by the index\'s own word classes: accented Latin and Han beyond the BMP', () => {
  const engine = new api.Engine(smallIndex([
    { title: ['café', 'crème'], body: ['menü', 'öffnen'] },
    { title: ['𠮷野家'], body: ['𠮷野家', '门店'] },
    ...filler(10),
  ]));
  assert.deepEqual(plain(urls(engine, 'Café')).slice(0, 1), ['0.html']);
  assert.deepEqual(plain(urls(engine, 'menü öffnen')).slice(0, 1), ['0.html']);
  assert.deepEqual(plain(urls(engine, '𠮷野家')).slice(0, 1), ['1.html']);
});

// The count of results reads the theme's `search_count` as the templates' fill filter does
// (templates::strings::plural_form): 'one|other', the first form for 1, the last otherwise.
test('the result count picks its plural form from one string', () => {
  const strings = (lang) => fs.readFileSync(path.join(repo, `themes/default/strings/${lang}.toml`), 'utf8');
  const count = (lang) => JSON.parse(strings(lang).match(/^search_count = (".*")$/m)[1]);
  assert.equal(api.fill(count('en'), { n: 1 }), '1 question found');
  assert.equal(api.fill(count('en'), { n: 2 }), '2 questions found');
  assert.equal(api.fill(count('en'), { n: 0 }), '0 questions found');
  assert.equal(api.fill(count('zh-CN'), { n: 1 }), '找到 1 个相关问题');
  assert.equal(api.fill('a|b|c', { n: 1 }), 'a');
  assert.equal(api.fill('a|b|c', { n: 5 }), 'c');
  assert.equal(api.fill('“{q}”|x', { q: 'a|b' }), '“a|b”|x', 'no number: the text as it is');
  assert.doesNotMatch(strings('en') + strings('zh-CN'), /search_count_one/);
});
