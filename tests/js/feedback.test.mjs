// node --test tests/js/feedback.test.mjs
// What feedback.js sends of a query: phone numbers, e-mail addresses, ID numbers and long
// digit runs masked; the words and short numbers (a PIN length, an error code) kept.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { repo } from './load.mjs';

const file = path.join(repo, 'themes/default/static/feedback.js');
const ctx = vm.createContext({});
vm.runInContext(fs.readFileSync(file, 'utf8'), ctx, { filename: file });
const { mask, encode } = ctx.FAQSITE_FEEDBACK;

test('personal data in a query is masked', () => {
  assert.equal(mask('我的手机13812345678收不到验证码'), '我的手机[number]收不到验证码');
  assert.equal(mask('电话 0574-8730 4500 打不通'), '电话 [number] 打不通');
  assert.equal(mask('+86 138 1234 5678'), '[number]');
  assert.equal(mask('邮箱 zhang.san@example.com 改不了'), '邮箱 [email] 改不了');
  assert.equal(mask('身份证 11010519491231002X 过期'), '身份证 [id] 过期');
  assert.equal(mask('卡号6222021234567890123'), '卡号[number]');
});

test('words, short numbers and codes are kept', () => {
  for (const q of ['PIN 码 6 位', 'USB Key 驱动 v2.1', '错误代码 0x80070005', 'Windows 10 1909', '2026年证书更新']) {
    assert.equal(mask(q), q);
  }
});

test('event values are percent-encoded', () => {
  assert.equal(encode({ e: 'search', q: 'U盾 & 密码', n: 0 }), 'e=search&q=U%E7%9B%BE%20%26%20%E5%AF%86%E7%A0%81&n=0');
});
