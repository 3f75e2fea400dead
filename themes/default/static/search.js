/* faqsite search: a plain-JS client for the prebuilt elasticlunr index (search-index.js).
 *
 * The query is processed like the index was built: the same normalisation (full-width ASCII to
 * half-width, lower case), then Chinese runs are segmented by bidirectional maximum matching
 * against the index's own vocabulary (falling back to single characters, which prefix
 * expansion turns into the words that start with them). Scoring follows elasticlunr.js:
 * tf × idf × 1/sqrt(field length) × field boost, prefix-expanded terms penalised, OR across
 * query words with a coordination factor so documents matching more of the words rank higher.
 *
 * Works from file:// (the index arrives as window.FAQSITE_SEARCH via a <script> tag). The pure
 * engine is exported as window.FAQSITE_SEARCH_ENGINE for tests.
 */
(function (global) {
  'use strict';

  var MAX_WORD = 8; // longest word tried by maximum matching, in characters

  function normalize(text) {
    var out = '';
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i);
      if (c === 0x3000) out += ' ';
      else if (c >= 0xFF01 && c <= 0xFF5E) out += String.fromCharCode(c - 0xFEE0);
      else out += text[i];
    }
    return out.toLowerCase();
  }

  var HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
  var WORD = /[a-z0-9]/;

  // Split normalised text into runs: {han: bool, text}. Everything else separates.
  function runs(text) {
    var out = [];
    var cur = null;
    for (var i = 0; i < text.length; i++) {
      var ch = text[i];
      var kind = HAN.test(ch) ? 'han' : (WORD.test(ch) ? 'word' : null);
      if (kind === null) { cur = null; continue; }
      if (!cur || cur.kind !== kind) { cur = { kind: kind, text: '' }; out.push(cur); }
      cur.text += ch;
    }
    return out;
  }

  function Engine(data) {
    this.data = data;
    this.index = data.index;
    this.docs = data.docs;
    this.boosts = data.options.fields;
    this.fields = Object.keys(this.boosts).filter(function (f) { return data.index.index[f]; });
    this.n = data.index.documentStore.length || Object.keys(data.index.documentStore.docInfo).length;
    this.vocab = Object.create(null);
    var self = this;
    this.fields.forEach(function (f) { self.collect(data.index.index[f].root, '', self.vocab); });
  }

  // Every term under `node` (prefix `prefix`) that has documents.
  Engine.prototype.collect = function (node, prefix, into) {
    var stack = [[node, prefix]];
    while (stack.length) {
      var top = stack.pop();
      var n = top[0], p = top[1];
      if (n.docs && p && hasKeys(n.docs)) into[p] = true;
      for (var k in n) {
        if (k !== 'docs' && k !== 'df') stack.push([n[k], p + k]);
      }
    }
    return into;
  };

  function hasKeys(o) { for (var k in o) return true; return false; }

  Engine.prototype.node = function (field, term) {
    var n = this.index.index[field].root;
    for (var i = 0; i < term.length; i++) {
      n = n[term[i]];
      if (!n) return null;
    }
    return n;
  };

  // Maximum matching in one direction; returns the list of words.
  Engine.prototype.match = function (text, backward) {
    var words = [];
    var i = backward ? text.length : 0;
    while (backward ? i > 0 : i < text.length) {
      var found = null;
      for (var len = Math.min(MAX_WORD, backward ? i : text.length - i); len >= 1; len--) {
        var w = backward ? text.slice(i - len, i) : text.slice(i, i + len);
        if (this.vocab[w]) { found = w; break; }
      }
      if (!found) found = backward ? text[i - 1] : text[i];
      words.push(found);
      i += backward ? -found.length : found.length;
    }
    if (backward) words.reverse();
    return words;
  };

  // Query → words, segmented like the index was.
  Engine.prototype.segment = function (query) {
    var self = this;
    var out = [];
    runs(normalize(query)).forEach(function (r) {
      if (r.kind === 'word') { out.push(r.text); return; }
      var fw = self.match(r.text, false);
      var bw = self.match(r.text, true);
      // Prefer fewer words, then fewer single characters (the usual bidirectional rule).
      var singles = function (ws) { return ws.filter(function (w) { return w.length === 1; }).length; };
      var best = bw.length < fw.length || (bw.length === fw.length && singles(bw) < singles(fw)) ? bw : fw;
      best.forEach(function (w) { out.push(w); });
    });
    var seen = Object.create(null);
    return out.filter(function (w) {
      if (seen[w] || w === '的' || w === '了') return false;
      seen[w] = true;
      return true;
    });
  };

  Engine.prototype.idf = function (df) {
    return 1 + Math.log(this.n / (df + 1));
  };

  // Terms of `field` starting with `token`: [{term, node}].
  Engine.prototype.expand = function (field, token) {
    var start = this.node(field, token);
    if (!start) return [];
    var out = [];
    var stack = [[start, token]];
    while (stack.length) {
      var top = stack.pop();
      var n = top[0], p = top[1];
      if (n.docs && hasKeys(n.docs)) out.push({ term: p, node: n });
      for (var k in n) if (k !== 'docs' && k !== 'df') stack.push([n[k], p + k]);
    }
    return out;
  };

  // Search; returns [{ref, score, doc, terms}] best first.
  Engine.prototype.search = function (query, limit) {
    var tokens = this.segment(query);
    if (!tokens.length) return [];
    var self = this;
    var docInfo = this.index.documentStore.docInfo;
    var fieldLength = this.data.fieldLength || function (ref, field) { return docInfo[ref] && docInfo[ref][field]; };
    var total = Object.create(null); // ref -> score
    var matched = Object.create(null); // ref -> {token: true}
    var hitTerms = Object.create(null); // ref -> {term: true}
    this.fields.forEach(function (field) {
      var boost = self.boosts[field];
      if (!boost) return;
      var fieldScores = Object.create(null);
      var fieldMatched = Object.create(null);
      tokens.forEach(function (token) {
        self.expand(field, token).forEach(function (e) {
          var idf = self.idf(e.node.df);
          var penalty = e.term === token ? 1 : 0.15 * (1 - (e.term.length - token.length) / e.term.length);
          for (var ref in e.node.docs) {
            var len = fieldLength(ref, field);
            var norm = len ? 1 / Math.sqrt(len) : 1;
            var s = e.node.docs[ref].tf * idf * norm * penalty;
            fieldScores[ref] = (fieldScores[ref] || 0) + s;
            (fieldMatched[ref] = fieldMatched[ref] || Object.create(null))[token] = true;
            (matched[ref] = matched[ref] || Object.create(null))[token] = true;
            (hitTerms[ref] = hitTerms[ref] || Object.create(null))[e.term] = true;
          }
        });
      });
      for (var ref in fieldScores) {
        var coord = Object.keys(fieldMatched[ref]).length / tokens.length;
        total[ref] = (total[ref] || 0) + fieldScores[ref] * coord * boost;
      }
    });
    var results = Object.keys(total).map(function (ref) {
      var words = Object.keys(matched[ref]).length;
      // Coordination across fields: every query word a document lacks costs it.
      return { ref: ref, score: total[ref] * words / tokens.length, words: words, doc: self.docs[ref], terms: Object.keys(hitTerms[ref]), tokens: tokens };
    });
    results.sort(function (a, b) { return b.words - a.words || b.score - a.score || (a.ref < b.ref ? -1 : 1); });
    return results.slice(0, limit || this.data.options.max_results || 10);
  };

  // A snippet of `text` around the best hit: [{text, mark}] pieces.
  function snippet(text, terms, length) {
    var norm = normalize(text);
    if (norm.length !== text.length) text = norm; // keep positions aligned
    var sorted = terms.slice().sort(function (a, b) { return b.length - a.length; });
    var best = -1;
    for (var i = 0; i < sorted.length && best < 0; i++) best = norm.indexOf(sorted[i]);
    var start = Math.max(0, best < 0 ? 0 : best - Math.floor(length / 3));
    var end = Math.min(text.length, start + length);
    var pieces = [];
    if (start > 0) pieces.push({ text: '…', mark: false });
    var pos = start;
    while (pos < end) {
      var next = -1, term = null;
      for (var j = 0; j < sorted.length; j++) {
        var at = norm.indexOf(sorted[j], pos);
        if (at >= 0 && at < end && (next < 0 || at < next)) { next = at; term = sorted[j]; }
      }
      if (next < 0) { pieces.push({ text: text.slice(pos, end), mark: false }); break; }
      if (next > pos) pieces.push({ text: text.slice(pos, next), mark: false });
      var stop = Math.min(end, next + term.length);
      pieces.push({ text: text.slice(next, stop), mark: true });
      pos = stop;
    }
    if (end < text.length) pieces.push({ text: '…', mark: false });
    return pieces;
  }

  /* ---------------- where the index comes from ---------------- */

  // The whole index in one file (window.FAQSITE_SEARCH).
  function FullSource(data) {
    this.engine = new Engine(data);
    this.options = data.options;
  }
  FullSource.prototype.search = function (query, limit) {
    return Promise.resolve(this.engine.search(query, limit));
  };

  // Files loaded by <script> call this with their data (works from file://, unlike fetch).
  var registry = Object.create(null);
  var waiting = Object.create(null);
  global.FAQSITE_SEARCH_LOAD = function (kind, n, data) {
    var key = kind + n;
    registry[key] = data;
    (waiting[key] || []).forEach(function (f) { f(data); });
    delete waiting[key];
  };

  function scriptLoader(url, key) {
    return new Promise(function (resolve, reject) {
      if (registry[key]) { resolve(registry[key]); return; }
      (waiting[key] = waiting[key] || []).push(resolve);
      var s = document.createElement('script');
      s.src = url;
      s.async = true;
      s.onerror = function () { reject(new Error('cannot load ' + url)); };
      document.head.appendChild(s);
    });
  }

  // A sharded index (large sites, window.FAQSITE_SEARCH_MANIFEST): a query loads the term
  // shards of its characters and the document files of its top results, nothing else.
  // `load(url, key)` returns a promise of the file's data (script tags in the browser).
  function ShardedSource(manifest, base, load) {
    this.m = manifest;
    this.base = base;
    this.load = load || scriptLoader;
    this.options = manifest.options;
    this.fields = Object.keys(manifest.options.fields);
    this.roots = {};
    var self = this;
    this.fields.forEach(function (f) { self.roots[f] = {}; });
    this.have = Object.create(null);
    this.docs = Object.create(null);
    this.engine = null;
  }

  ShardedSource.prototype.shardsFor = function (query) {
    var m = this.m, out = Object.create(null);
    runs(normalize(query)).forEach(function (r) {
      var chars = r.kind === 'han' ? r.text : r.text[0];
      for (var i = 0; i < chars.length; i++) out[chars.codePointAt(i) % m.shards] = true;
    });
    return Object.keys(out).map(Number);
  };

  ShardedSource.prototype.file = function (kind, n) {
    var v = kind === 't' ? this.m.terms[n] : this.m.docs[n];
    return this.load(this.base + 'search/' + kind + n + '.js?v=' + v, kind + n);
  };

  ShardedSource.prototype.search = function (query, limit) {
    var self = this;
    var missing = this.shardsFor(query).filter(function (k) { return !self.have[k]; });
    return Promise.all(missing.map(function (k) { return self.file('t', k); })).then(function (loaded) {
      loaded.forEach(function (data, i) {
        self.have[missing[i]] = true;
        self.fields.forEach(function (f) {
          var root = (data[f] && data[f].root) || {};
          for (var ch in root) if (ch !== 'docs' && ch !== 'df') self.roots[f][ch] = root[ch];
        });
      });
      if (loaded.length || !self.engine) {
        var index = { index: {}, documentStore: { length: self.m.n, docInfo: {} } };
        self.fields.forEach(function (f) { index.index[f] = { root: self.roots[f] }; });
        var lengths = self.m.lengths;
        self.engine = new Engine({
          index: index, docs: self.docs, options: self.m.options,
          fieldLength: function (ref, f) { return lengths[f][+ref]; },
        });
      }
      var results = self.engine.search(query, limit);
      var per = self.m.docs_per_file;
      var files = Object.create(null);
      results.forEach(function (r) { files[Math.floor(+r.ref / per)] = true; });
      var need = Object.keys(files).map(Number);
      return Promise.all(need.map(function (n) { return self.file('d', n); })).then(function (rows) {
        rows.forEach(function (list, i) {
          list.forEach(function (row, j) {
            self.docs[need[i] * per + j] = { url: row[0], title: row[1], chapter: row[2], number: row[3], body: row[4] };
          });
        });
        results.forEach(function (r) { r.doc = self.docs[r.ref]; });
        return results;
      });
    });
  };

  global.FAQSITE_SEARCH_ENGINE = { normalize: normalize, Engine: Engine, snippet: snippet, FullSource: FullSource, ShardedSource: ShardedSource };

  /* ---------------- the search box ---------------- */
  if (typeof document === 'undefined') return;

  function init() {
    var box = document.querySelector('[data-search]');
    var data = global.FAQSITE_SEARCH;
    var manifest = global.FAQSITE_SEARCH_MANIFEST;
    if (!box || !(data || manifest)) return;
    var input = box.querySelector('input[type="search"]');
    var panel = box.querySelector('[data-search-results]');
    var root = box.getAttribute('data-root') || '';
    var source = data ? new FullSource(data) : new ShardedSource(manifest, root);
    var snippetLength = source.options.snippet_length || 120;
    var latest = 0;
    var timer = null;
    var links = [];

    function el(tag, cls, text) {
      var e = document.createElement(tag);
      if (cls) e.className = cls;
      if (text != null) e.textContent = text;
      return e;
    }

    function close() {
      panel.hidden = true;
      panel.textContent = '';
      links = [];
    }

    // Search, then show the results unless a newer query has been typed meanwhile.
    function render(query) {
      var q = query.trim();
      var ticket = ++latest;
      if (!q) { close(); return Promise.resolve(); }
      return source.search(q).then(function (results) {
        if (ticket === latest) show(q, results);
      }, function () {
        if (ticket === latest) show(q, []);
      });
    }

    function show(q, results) {
      panel.textContent = '';
      links = [];
      panel.hidden = false;
      if (!results.length) {
        var empty = el('div', 'search-empty');
        empty.appendChild(el('p', 'search-empty-title', '没有找到与“' + q + '”相关的问题'));
        empty.appendChild(el('p', 'search-hint', '试试更短或不同的关键词，例如：驱动、PIN码、证书更新、无法显示该网页；或拨打客服电话咨询。'));
        panel.appendChild(empty);
        return;
      }
      panel.appendChild(el('p', 'search-count', '找到 ' + results.length + ' 个相关问题'));
      var list = el('ul', 'search-list');
      results.forEach(function (r) {
        var li = el('li');
        var a = el('a', 'search-hit');
        a.href = root + r.doc.url;
        var title = el('span', 'search-title', (r.doc.number ? r.doc.number + ' ' : '') + r.doc.title);
        var chapter = el('span', 'search-chapter', r.doc.chapter);
        var snip = el('span', 'search-snippet');
        snippet(r.doc.body || '', r.terms, snippetLength).forEach(function (p) {
          snip.appendChild(p.mark ? el('mark', null, p.text) : document.createTextNode(p.text));
        });
        a.appendChild(title);
        a.appendChild(chapter);
        a.appendChild(snip);
        li.appendChild(a);
        list.appendChild(li);
        links.push(a);
      });
      panel.appendChild(list);
    }

    function remember(query) {
      if (!global.history || !history.replaceState) return;
      try {
        var url = new URL(location.href);
        if (query.trim()) url.searchParams.set('q', query.trim());
        else url.searchParams.delete('q');
        history.replaceState(null, '', url.toString());
      } catch (e) { /* file:// in some browsers: the query simply is not kept */ }
    }

    function schedule() {
      clearTimeout(timer);
      timer = setTimeout(function () { render(input.value); remember(input.value); }, 100);
    }

    input.addEventListener('input', function (e) {
      if (e.isComposing) return; // an IME is still composing: wait for compositionend
      schedule();
    });
    input.addEventListener('compositionend', schedule);

    function focusLink(i) {
      if (!links.length) return;
      var n = (i + links.length) % links.length;
      links[n].focus();
    }

    input.addEventListener('keydown', function (e) {
      if (e.isComposing) return;
      if (e.key === 'ArrowDown') {
        e.preventDefault();
        render(input.value).then(function () { focusLink(0); });
      } else if (e.key === 'Enter') {
        e.preventDefault();
        clearTimeout(timer);
        remember(input.value);
        render(input.value).then(function () { if (links.length) location.href = links[0].href; });
      } else if (e.key === 'Escape') { close(); }
    });

    panel.addEventListener('keydown', function (e) {
      var i = links.indexOf(document.activeElement);
      if (e.key === 'ArrowDown') { e.preventDefault(); focusLink(i + 1); }
      else if (e.key === 'ArrowUp') {
        e.preventDefault();
        if (i <= 0) input.focus(); else focusLink(i - 1);
      } else if (e.key === 'Escape') { e.preventDefault(); close(); input.focus(); }
    });

    document.addEventListener('keydown', function (e) {
      if ((e.key === '/' || e.key === 's') && !e.ctrlKey && !e.metaKey && !e.altKey) {
        var t = e.target;
        var typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
        if (!typing) { e.preventDefault(); input.focus(); input.select(); }
      }
    });

    document.addEventListener('click', function (e) {
      if (!box.contains(e.target)) close();
    });

    var initial = null;
    try { initial = new URL(location.href).searchParams.get('q'); } catch (e) { /* ignore */ }
    if (initial) { input.value = initial; render(initial); }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})(typeof window !== 'undefined' ? window : this);
