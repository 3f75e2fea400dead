/* faqsite search: a plain-JS client for the prebuilt elasticlunr index (search-index.js).
 *
 * The query is processed like the index was built: the same normalisation (full-width ASCII to
 * half-width, lower case), then Chinese runs are segmented by bidirectional maximum matching
 * against the index's own vocabulary (falling back to single characters, which prefix
 * expansion turns into the words that start with them); a word kept whole also matches the
 * words inside it, as the index's search-mode segmentation holds them. Scoring is BM25 on the
 * elasticlunr index's counts, per field × the field's boost, each query word counted by its
 * best match weighed by the match's quality (its own term 1, a prefix expansion less the more
 * of the term it leaves out), times the share of the query a document covers by those
 * qualities: relevance decides the order, so an exact match of a rare word beats any number
 * of partial matches. Highlights cover whole words only.
 *
 * Latin letters are split into the index's Latin words and the toneless pinyin of its Chinese
 * terms (the index's pinyin map), so `qudong`, `qu dong` and `usbkey` find \u9a71\u52a8 (qu dong) and USB Key. Every
 * query word is a set of alternatives (the word, the terms its pinyin reads as, the term of its
 * synonym group); stop words, question-word weights and synonym groups come from the index's
 * options, written by the Rust side (src/search/words.rs).
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

  // Split normalised text into runs: {kind: 'han' | 'word', text}, by the index's own word
  // classes (HAN_CHAR, LATIN_CHAR below), a code point at a time. Everything else separates.
  function runs(text) {
    var out = [];
    var cur = null;
    for (var ch of text) {
      var kind = HAN_CHAR.test(ch) ? 'han' : (LATIN_CHAR.test(ch) ? 'word' : null);
      if (kind === null) { cur = null; continue; }
      if (!cur || cur.kind !== kind) { cur = { kind: kind, text: '' }; out.push(cur); }
      cur.text += ch;
    }
    return out;
  }

  function setOf(list) {
    var out = Object.create(null);
    (list || []).forEach(function (w) { out[w] = true; });
    return out;
  }

  function compact(text) { return text.replace(/\s+/g, ''); }

  function Engine(data) {
    var o = data.options;
    this.data = data;
    this.index = data.index;
    this.docs = data.docs;
    this.boosts = o.fields;
    this.fields = Object.keys(this.boosts).filter(function (f) { return data.index.index[f]; });
    this.n = data.index.documentStore.length || Object.keys(data.index.documentStore.docInfo).length;
    this.vocab = Object.create(null);
    this.pinyin = data.pinyin || Object.create(null);
    this.stop = setOf(o.stop_words);
    this.weak = o.weak_words || {};
    this.synonyms = (o.synonyms || []).map(function (g) {
      return { term: g.term, words: g.words, keys: g.words.map(compact) };
    });
    this.groupTerms = setOf(this.synonyms.map(function (g) { return g.term; }));
    var self = this;
    // A sharded index hands over the vocabulary of the shards loaded so far (its postings
    // come later, for the query's words only).
    if (data.vocab) this.vocab = data.vocab;
    else this.fields.forEach(function (f) { self.collect(data.index.index[f].root, '', self.vocab); });
    // The Latin words of the index (a sharded index lists them all in its manifest).
    this.latin = setOf(data.latin || Object.keys(this.vocab).filter(function (w) { return LATIN.test(w); }));
    this.number(data);
    this.averages = {};
  }

  // Documents by number, for scoring in typed arrays: a sharded index's refs are their numbers
  // (0…n-1, in the site's order) and it hands over the field lengths by number; a one-file
  // index's documents are numbered in the site's order too (by question number), so results of
  // equal score come in the same order from both.
  Engine.prototype.number = function (data) {
    if (data.numbered) {
      this.size = this.n;
      this.lengths = data.lengths || {};
      this.refOf = String;
      return;
    }
    var docs = this.docs, docInfo = data.index.documentStore.docInfo;
    var numberOf = function (r) { return docs[r] ? docs[r].number : ''; };
    var refs = Object.keys(docInfo).sort(function (a, b) {
      return byNumber(numberOf(a), numberOf(b)) || (a < b ? -1 : 1);
    });
    var ids = this.ids = Object.create(null), lengths = this.lengths = {};
    refs.forEach(function (r, i) { ids[r] = i; });
    this.fields.forEach(function (f) { lengths[f] = refs.map(function (r) { return docInfo[r][f]; }); });
    this.size = refs.length;
    this.refOf = function (id) { return refs[id]; };
  };

  var LATIN = /^[a-z0-9]*[a-z][a-z0-9]*$/;

  // Every term under `node` (prefix `prefix`) that has documents.
  Engine.prototype.collect = function (node, prefix, into) {
    var stack = [[node, prefix]];
    while (stack.length) {
      var top = stack.pop();
      var n = top[0], p = top[1];
      if (p && hasPostings(n)) into[p] = true;
      for (var k in n) {
        if (k !== 'docs' && k !== 'df') stack.push([n[k], p + k]);
      }
    }
    return into;
  };

  function hasKeys(o) { for (var k in o) return true; return false; }

  Engine.prototype.node = function (field, term) {
    var n = this.index.index[field].root;
    // The index's tree has a node per character (code point), as elasticlunr-rs builds it.
    for (var ch of term) {
      n = n[ch];
      if (!n) return null;
    }
    return n;
  };

  // Maximum matching in one direction; returns the list of words.
  Engine.prototype.match = function (text, backward) {
    var chars = Array.from(text), words = [];
    var i = backward ? chars.length : 0;
    while (backward ? i > 0 : i < chars.length) {
      var found = null, size = 1;
      for (var len = Math.min(MAX_WORD, backward ? i : chars.length - i); len >= 1; len--) {
        var w = (backward ? chars.slice(i - len, i) : chars.slice(i, i + len)).join('');
        if (this.vocab[w]) { found = w; size = len; break; }
      }
      if (!found) found = backward ? chars[i - 1] : chars[i];
      words.push(found);
      i += backward ? -size : size;
    }
    if (backward) words.reverse();
    return words;
  };

  // Latin text → the fewest pieces that are each a Latin word of the index or a pinyin key
  // (`mimawangji` → mima, wangji; `usbkey` → usb, key); null when there is no such split.
  Engine.prototype.splitLatin = function (text) {
    var n = text.length, cost = [0], from = [];
    for (var j = 1; j <= n; j++) cost[j] = Infinity;
    for (var i = 0; i < n; i++) {
      if (cost[i] === Infinity) continue;
      for (j = i + 1; j <= n; j++) {
        var w = text.slice(i, j);
        if ((this.latin[w] || this.pinyin[w]) && cost[i] + 1 < cost[j]) { cost[j] = cost[i] + 1; from[j] = i; }
      }
    }
    if (cost[n] === Infinity) return null;
    var out = [];
    for (var k = n; k > 0; k = from[k]) out.unshift(text.slice(from[k], k));
    return out;
  };

  // Latin runs typed together (`qu dong`, `mima wangji`, `usb key`) → words: runs the index
  // knows (or the language's stop words, which it leaves out, or another form of a word it
  // knows: `stem`) stay as typed; otherwise the whole is split into words and pinyin, else each
  // run.
  Engine.prototype.latinWords = function (group) {
    var self = this;
    var known = function (w) { return self.latin[w] || self.stop[w] || /^[0-9]+$/.test(w) || self.stem(w); };
    if (group.every(known)) return group;
    var whole = this.splitLatin(group.join(''));
    if (whole) return whole;
    var out = [];
    group.forEach(function (w) { out.push.apply(out, known(w) ? [w] : (self.splitLatin(w) || [w])); });
    return out;
  };

  // A Latin word the index lacks as another form of one it has: its longest beginning, of at
  // least four letters and all but at most three, that begins one of the index's Latin words
  // (overloading → overload: overload, overloaded), or null. Such a word is kept whole, not
  // split into other words (over, loading).
  Engine.prototype.stem = function (word) {
    if (this.latin[word] || !LATIN.test(word)) return null;
    for (var n = word.length - 1; n >= Math.max(4, word.length - 3); n--) {
      var p = word.slice(0, n);
      for (var w in this.latin) if (w.lastIndexOf(p, 0) === 0) return p;
    }
    return null;
  };

  // A Chinese run → words by bidirectional maximum matching.
  Engine.prototype.hanWords = function (text) {
    var fw = this.match(text, false);
    var bw = this.match(text, true);
    // Prefer fewer words, then fewer single characters (the usual bidirectional rule).
    var singles = function (ws) { return ws.filter(function (w) { return w.length === 1; }).length; };
    return bw.length < fw.length || (bw.length === fw.length && singles(bw) < singles(fw)) ? bw : fw;
  };

  // Query → words, segmented like the index was (stop words and repeats dropped).
  Engine.prototype.words = function (query) {
    var self = this;
    var out = [];
    var group = [];
    var flush = function () { if (group.length) out.push.apply(out, self.latinWords(group)); group = []; };
    runs(normalize(query)).forEach(function (r) {
      if (r.kind === 'word') { group.push(r.text); return; }
      flush();
      out.push.apply(out, self.hanWords(r.text));
    });
    flush();
    var seen = Object.create(null);
    return out.filter(function (w) {
      if (seen[w] || self.stop[w]) return false;
      seen[w] = true;
      return true;
    });
  };

  // The words inside a Chinese query word the segmenter kept whole, as jieba's search mode
  // gives them to the index (\u78c1\u76d8\u7a7a\u95f4 ci pan kong jian → ci pan, kong jian): its pieces of two characters (of a word of
  // three or more) and of three (of four or more) that are index terms.
  Engine.prototype.parts = function (word) {
    var chars = Array.from(word), out = [];
    if (!isHan(word)) return out;
    for (var n = 2; n < chars.length && n <= 3; n++) {
      for (var i = 0; i + n <= chars.length; i++) {
        var p = chars.slice(i, i + n).join('');
        if (this.vocab[p] && out.indexOf(p) < 0) out.push(p);
      }
    }
    return out;
  };

  // What a single Chinese character weighs among a query's words (the rest weigh 1, question
  // words less): the segmenter keeps one alone only when it is part of no word the index
  // knows (the query's own words, mistyped, or words the index lacks), so it says little.
  var SINGLE = 0.2;

  function isHan(text) {
    return Array.from(text).every(function (c) { return HAN_CHAR.test(c); });
  }

  // Query words as the engine searches them: [{word, alts: [{term, exact, part, share}],
  // weight}]. A word's alternatives: itself (prefix-expanded), the Chinese terms its pinyin
  // reads as, its parts (exact, `share` each), and the term of a synonym group it belongs to;
  // the words of a group typed apart (`usb key`) are one.
  Engine.prototype.tokens = function (query) {
    var self = this;
    var tokens = this.words(query).map(function (w) {
      var alts = [];
      if (self.latin[w] || !self.pinyin[w]) alts.push({ term: w, exact: false });
      var stem = self.stem(w);
      if (stem) alts.push({ term: stem, exact: false });
      (self.pinyin[w] || []).forEach(function (t) { alts.push({ term: t, exact: false }); });
      var parts = self.parts(w);
      parts.forEach(function (p) { alts.push({ term: p, exact: true, part: true, share: 1 / parts.length }); });
      return { word: w, alts: alts, weight: self.weak[w] || (isHan(w) && Array.from(w).length === 1 ? SINGLE : 1) };
    });
    var typed = compact(normalize(query));
    this.synonyms.forEach(function (g) {
      var hit = null;
      tokens.forEach(function (t) {
        t.alts.forEach(function (a) { if (!a.part && g.keys.indexOf(a.term) >= 0) hit = t; });
      });
      var key = g.keys.filter(function (k) { return typed.indexOf(k) >= 0; })[0];
      if (!hit && key) {
        // The group's word typed as several words: they become one.
        var parts = tokens.filter(function (t) { return key.indexOf(t.word) >= 0; });
        if (!parts.length) return;
        hit = { word: key, alts: [], weight: 1 };
        parts.forEach(function (t) { hit.alts.push.apply(hit.alts, t.alts); });
        tokens = tokens.filter(function (t) { return parts.indexOf(t) < 0; });
        tokens.push(hit);
      }
      if (hit) hit.alts.push({ term: g.term, exact: true, group: g });
    });
    return tokens;
  };

  // The query's words (for tests and the sharded loader).
  Engine.prototype.segment = function (query) {
    return this.words(query);
  };

  // BM25's inverse document frequency of a term in `df` of the documents.
  Engine.prototype.idf = function (df) {
    return Math.log(1 + (this.n - df + 0.5) / (df + 0.5));
  };

  // BM25's constants (the usual ones): how soon repeats of a term stop adding (K1), how much a
  // field longer than the average of its kind weakens a match (B).
  var K1 = 1.2, B = 0.75;

  // The average length of `field` over the documents (kept: the lengths do not change).
  Engine.prototype.average = function (field) {
    var avg = this.averages[field];
    if (avg !== undefined) return avg;
    var lengths = this.lengths[field] || [], sum = 0;
    for (var i = 0; i < this.size; i++) sum += lengths[i] || 0;
    return (this.averages[field] = Math.max(1, sum / Math.max(1, this.size)));
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
      if (hasPostings(n)) out.push({ term: p, node: n });
      for (var k in n) if (k !== 'docs' && k !== 'df') stack.push([n[k], p + k]);
    }
    return out;
  };

  // What a match counts for, by its kind: the query word's own term (or a term its pinyin
  // reads as, or its synonym group's) 1; a longer term the word begins (a prefix expansion,
  // or a single character the vocabulary has no word for) the share of the term the word is,
  // to the fourth power: a term a letter or two longer (operator → operators: 0.62) counts
  // nearly as much, one the word is half of (with → without 0.11, a character of a word of two
  // 0.06) little; the parts of a compound word 1 together (each 1 / the number of parts).
  var PREFIX_POWER = 4;
  // The least quality of a match whose term is highlighted: a longer word the query's word
  // begins is highlighted only as an inflection (operator → operators), or when the word is the
  // query's last, still being typed (dri → driver); never without for with.
  var SHOWN = 0.5;

  // The index terms an alternative of a query word stands for: [{term, node, quality}].
  Engine.prototype.lookup = function (field, alt) {
    if (alt.exact) {
      var n = this.node(field, alt.term);
      return n && hasPostings(n) ? [{ term: alt.term, node: n, quality: alt.share || 1 }] : [];
    }
    var t = alt.term;
    return this.expand(field, t).map(function (e) {
      e.quality = Math.pow(t.length / e.term.length, PREFIX_POWER);
      return e;
    });
  };

  // One query word's matches in one field, into `m` by document number: the best match's
  // score (BM25's: idf × saturated count in a field of that length, × quality) and quality,
  // and the sums of the compound parts' scores and qualities. Returns the documents it matched.
  Engine.prototype.matchField = function (token, field, m, met) {
    var self = this, lengths = this.lengths[field] || [], touched = [], avg = this.average(field);
    token.alts.forEach(function (alt) {
      self.lookup(field, alt).forEach(function (e) {
        var idf = self.idf(e.node.df), q = e.quality;
        if (q >= SHOWN || alt.part || token.last) met.push({ node: e.node, shown: alt.group ? alt.group.words : [e.term] });
        var list = self.postings(e.node), ids = list.ids, tfs = list.tfs;
        for (var i = 0; i < ids.length; i++) {
          var id = ids[i], len = lengths[id];
          var count = tfs[i] * tfs[i]; // the index's tf is the square root of the count
          var s = idf * q * count * (K1 + 1) / (count + K1 * (1 - B + B * (len || 1) / avg));
          if (!m.quality[id] && !m.partQuality[id]) touched.push(id);
          if (alt.part) {
            m.parts[id] += s;
            m.partQuality[id] += q;
          } else {
            if (s > m.best[id]) m.best[id] = s;
            if (q > m.quality[id]) m.quality[id] = q;
          }
        }
      });
    });
    return touched;
  };

  // Search; returns [{ref, score, words, doc, terms}] best first. A document's score: for each
  // query word and field, the word's best match there (or its compound parts together) × the
  // field's boost × the word's weight, summed; times the share of the query it covers (`words`:
  // each word's weight × the quality of its best match, over the weight of all words). So an
  // exact match of a rare word beats any number of short prefix matches, a title match a body
  // match, and a question word counts little. Only the results returned get their matched terms.
  Engine.prototype.search = function (query, limit) {
    var tokens = this.tokens(query);
    if (!tokens.length) return [];
    var self = this, size = this.size, all = 0;
    tokens.forEach(function (t) { all += t.weight; });
    var total = new Float64Array(size), covered = new Float64Array(size), cover = new Float64Array(size);
    var found = [], seen = new Uint8Array(size); // found: the documents scored
    var m = { best: new Float64Array(size), quality: new Float64Array(size), parts: new Float64Array(size), partQuality: new Float64Array(size) };
    var met = []; // every (node, words shown) the search met, in order
    tokens[tokens.length - 1].last = true;
    tokens.forEach(function (token) {
      var touched = [];
      self.fields.forEach(function (field) {
        var boost = self.boosts[field];
        if (!boost) return;
        self.matchField(token, field, m, met).forEach(function (id) {
          total[id] += boost * token.weight * Math.max(m.best[id], m.parts[id]);
          var q = Math.max(m.quality[id], m.partQuality[id]);
          if (!cover[id]) touched.push(id);
          if (q > cover[id]) cover[id] = q;
          m.best[id] = m.quality[id] = m.parts[id] = m.partQuality[id] = 0;
        });
      });
      touched.forEach(function (id) {
        covered[id] += token.weight * cover[id];
        cover[id] = 0;
        if (!seen[id]) { seen[id] = 1; found.push(id); }
      });
    });
    var results = [], k = limit || this.data.options.max_results || 10;
    found.forEach(function (id) {
      keepBest(results, k, { id: id, ref: self.refOf(id), score: total[id] * covered[id] / all, words: covered[id] });
    });
    results.forEach(function (r) {
      var terms = Object.create(null);
      met.forEach(function (x) {
        if (inSorted(self.postings(x.node).ids, r.id)) x.shown.forEach(function (w) { terms[w] = true; });
      });
      delete r.id;
      r.doc = self.docs[r.ref];
      r.terms = Object.keys(terms);
      r.tokens = tokens;
    });
    return results;
  };

  // Results in order: the higher score first, then by document number (the site's order).
  function before(a, b) { return b.score - a.score || a.id - b.id; }

  // Puts `r` into `best` (at most `k` results, in order) if it is among the first k.
  function keepBest(best, k, r) {
    var at = best.length;
    while (at > 0 && before(r, best[at - 1]) < 0) at--;
    if (at >= k) return;
    best.splice(at, 0, r);
    if (best.length > k) best.pop();
  }

  // A node's postings as lists: document numbers in ascending order and their tf. A sharded
  // index's nodes get them when loaded (addPostings), a one-file index's on first use.
  var LISTS = new WeakMap();
  Engine.prototype.postings = function (node) {
    var list = LISTS.get(node);
    if (!list) {
      var ids = this.ids, docs = node.docs || {};
      var pairs = Object.keys(docs).map(function (r) { return [ids[r], docs[r].tf]; })
        .filter(function (p) { return p[0] !== undefined; }); // a document the store lacks
      pairs.sort(function (a, b) { return a[0] - b[0]; });
      list = { ids: pairs.map(function (p) { return p[0]; }), tfs: pairs.map(function (p) { return p[1]; }) };
      LISTS.set(node, list);
    }
    return list;
  };
  function hasPostings(node) {
    var list = LISTS.get(node);
    return list ? list.ids.length > 0 : !!(node.docs && hasKeys(node.docs));
  }
  // Whether ascending `list` holds `x`.
  function inSorted(list, x) {
    var lo = 0, hi = list.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (list[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return list[lo] === x;
  }

  // The site's `[[contact]]` entries a query asks for: all of them when it has a contact word
  // (the `contact_words` of the options), else those whose label or value contains a query word,
  // provided every weighty word of the query names one.
  Engine.prototype.contacts = function (query) {
    var o = this.data.options, list = o.contacts || [];
    var typed = compact(normalize(query));
    if (!list.length || !typed) return [];
    var asks = (o.contact_words || []).some(function (w) { return typed.indexOf(compact(normalize(w))) >= 0; });
    if (asks) return list;
    // The query's weighty words of two or more characters (single characters name nothing).
    var words = this.tokens(query).filter(function (t) { return t.weight >= 1 && t.word.length > 1; }).map(function (t) { return t.word; });
    var texts = list.map(function (c) { return compact(normalize(c.label + c.value)); });
    var names = function (text) { return function (w) { return text.indexOf(w) >= 0; }; };
    var all = words.length && words.every(function (w) { return texts.some(function (x) { return names(x)(w); }); });
    return all ? list.filter(function (c, i) { return words.some(names(texts[i])); }) : [];
  };

  // What titles are compared by when nothing matches: each Chinese character and each Latin
  // word, once (the Rust side writes a sharded index's `c` files with the same rule).
  function titleKeys(text) {
    var out = [];
    runs(normalize(text)).forEach(function (r) {
      (r.kind === 'han' ? r.text.split('') : [r.text]).forEach(function (k) {
        if (out.indexOf(k) < 0) out.push(k);
      });
    });
    return out;
  }

  // A query's title keys without the language's stop words.
  function queryKeys(query, stop) {
    return titleKeys(query).filter(function (k) { return !stop[k]; });
  }

  // Reading order of two questions by their numbers (`2.10` after `2.9`).
  function byNumber(a, b) {
    var x = String(a || '').split('.'), y = String(b || '').split('.');
    for (var i = 0; i < Math.max(x.length, y.length); i++) {
      var d = (+x[i] || 0) - (+y[i] || 0);
      if (d) return d;
    }
    return 0;
  }

  // The best `limit` of `counts` ({ref: shared keys}): most shared first, then reading order.
  function closestOf(counts, order, limit) {
    return Object.keys(counts).map(function (ref) { return { ref: ref, shared: counts[ref], terms: [] }; })
      .sort(function (a, b) { return b.shared - a.shared || order(a.ref, b.ref); })
      .slice(0, limit);
  }

  // When nothing matches: the questions whose titles share the most characters with the query.
  Engine.prototype.closest = function (query, limit) {
    var keys = queryKeys(query, this.stop), docs = this.docs, counts = Object.create(null);
    Object.keys(docs).forEach(function (ref) {
      var have = setOf(titleKeys(docs[ref].title));
      var shared = keys.filter(function (k) { return have[k]; }).length;
      if (shared) counts[ref] = shared;
    });
    var order = function (a, b) { return byNumber(docs[a].number, docs[b].number) || (a < b ? -1 : 1); };
    return closestOf(counts, order, limit).map(function (r) { r.doc = docs[r.ref]; return r; });
  };

  // A contact entry's link: its own href, else tel: for a phone number, https: for a web address.
  function contactHref(c) {
    if (c.href) return c.href;
    var v = c.value.trim();
    if (/^\+?[0-9][0-9 ()-]{4,}$/.test(v)) return 'tel:' + v.replace(/[^0-9+]/g, '');
    if (/^(www\.|[a-z0-9-]+\.[a-z]{2,})\S*$/i.test(v)) return 'https://' + v;
    return '';
  }

  // Sentence punctuation, Latin and CJK (written as escapes: the script itself has no CJK text).
  var BOUNDARY = /[\s\uff0c\u3002\uff1b\uff1a\u3001\uff01\uff1f,.;:!?\uff08\uff09()\u201c\u201d"\u3010\u3011\u300a\u300b]/;

  // How wide a character is, in em: CJK and full-width forms 1, the rest about half.
  var WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\ud800-\udbff]/;
  function em(c) { return WIDE.test(c) ? 1 : 0.56; }

  // A snippet of `text` around the best hit: [{text, mark}] pieces, at most `length`
  // characters, and (with `room`) at most `room` em wide, the "…" included, so that it fits
  // the lines it is given whole: no highlight cut by the end.
  function snippet(text, terms, length, room) {
    var norm = normalize(text);
    if (norm.length !== text.length) text = norm; // keep positions aligned
    var sorted = terms.slice().sort(function (a, b) { return b.length - a.length; });
    var best = -1;
    for (var i = 0; i < sorted.length && best < 0; i++) best = nextWord(norm, [sorted[i]], 0).at;
    if (room) length = Math.min(length, text.length);
    var start = Math.max(0, best < 0 ? 0 : best - Math.floor(length / 3));
    if (room && best > 0) {
      // A third of the room before the hit.
      for (var w = 0, s = best; s > 0 && w + em(text[s - 1]) <= room / 3; s--) w += em(text[s - 1]);
      start = Math.max(start, s);
    }
    // Begin at punctuation or a space when one is near, not inside a word.
    for (var b = start, k = 0; b > 0 && k < 12; b--, k++) if (BOUNDARY.test(text[b - 1])) { start = b; break; }
    var end = Math.min(text.length, start + length);
    if (room) {
      for (var used = start > 0 ? 1 : 0, e0 = start; e0 < end && used + em(text[e0]) <= room - 1; e0++) used += em(text[e0]);
      if (e0 < text.length) {
        // End at punctuation or a space when one is near, within the room.
        for (var e1 = e0, n = 0; e1 > start + 1 && n < 12; e1--, n++) if (BOUNDARY.test(text[e1 - 1])) { e0 = e1; break; }
      }
      end = e0;
    } else {
      for (var e = end, m = 0; e < text.length && m < 12; e++, m++) if (BOUNDARY.test(text[e])) { end = e + 1; break; }
    }
    var body = marked(text, norm, sorted, start, end);
    if (room && body.end > end) {
      // The last highlight would run past the room: end before it.
      var at = body.pieces.reduce(function (p, x) { return p + x.text.length; }, start) - body.pieces[body.pieces.length - 1].text.length;
      if (at > best) { end = at; body = marked(text, norm, sorted, start, end); }
    }
    var pieces = [];
    if (start > 0) pieces.push({ text: '\u2026', mark: false });
    pieces.push.apply(pieces, body.pieces);
    if (body.end < text.length) pieces.push({ text: '\u2026', mark: false });
    return pieces;
  }

  // Word characters as the index has them (WORD_CHARS of src/search/segment.rs, whose tests
  // check these two): Chinese characters, and the letters and digits of Latin words.
  var HAN_CHAR = /[\p{Unified_Ideograph}]/u;
  var LATIN_CHAR = /[\p{Script=Latin}\p{Nd}]/u;

  // Whether `term`, found at `at` of `norm`, is a word there: a Latin word not inside a longer
  // one (no with in without), a single Chinese character not beside another (no character
  // inside a word of others); a longer Chinese word anywhere (the index holds the words inside
  // compounds too).
  function whole(norm, at, term) {
    var chars = Array.from(term), last = chars[chars.length - 1];
    var prev = Array.from(norm.slice(Math.max(0, at - 2), at)).pop() || '';
    var after = norm.codePointAt(at + term.length);
    var next = after === undefined ? '' : String.fromCodePoint(after);
    if (LATIN_CHAR.test(chars[0]) && LATIN_CHAR.test(prev)) return false;
    if (LATIN_CHAR.test(last) && LATIN_CHAR.test(next)) return false;
    return !(chars.length === 1 && HAN_CHAR.test(last) && (HAN_CHAR.test(prev) || HAN_CHAR.test(next)));
  }

  // The first of the `sorted` terms (longest first) that is a word of `norm` at or after
  // `from`: {at, term}, at -1 when there is none.
  function nextWord(norm, sorted, from) {
    var next = -1, term = null;
    sorted.forEach(function (t) {
      var at = norm.indexOf(t, from);
      while (at >= 0 && !whole(norm, at, t)) at = norm.indexOf(t, at + 1);
      if (at >= 0 && (next < 0 || at < next)) { next = at; term = t; }
    });
    return { at: next, term: term };
  }

  // `text` (normalised: `norm`) from `start` to `end` as pieces, the `sorted` terms marked; a
  // word that begins before `end` is marked whole, past it. Returns {pieces, end}: where they end.
  function marked(text, norm, sorted, start, end) {
    var pieces = [];
    var pos = start;
    while (pos < end) {
      var w = nextWord(norm, sorted, pos);
      if (w.at < 0 || w.at >= end) { pieces.push({ text: text.slice(pos, end), mark: false }); pos = end; break; }
      if (w.at > pos) pieces.push({ text: text.slice(pos, w.at), mark: false });
      pos = w.at + w.term.length;
      pieces.push({ text: text.slice(w.at, pos), mark: true });
    }
    return { pieces: pieces, end: Math.max(pos, end) };
  }

  // The whole of `text` as pieces, the terms marked (result titles).
  function highlight(text, terms) {
    var norm = normalize(text);
    if (norm.length !== text.length) text = norm;
    var sorted = terms.slice().sort(function (a, b) { return b.length - a.length; });
    return marked(text, norm, sorted, 0, text.length).pieces;
  }

  // The tags a title's inline HTML may have (src/content/title.rs), and its five entities.
  var TITLE_TAG = /<(\/?)(code|em|strong|del)>/;
  var ENTITIES = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
  function unescapeHtml(text) {
    return text.replace(/&(amp|lt|gt|quot|#39);/g, function (e) { return ENTITIES[e]; });
  }

  // The part of `list` (pieces of one text) from character `from` to `to`.
  function slicePieces(list, from, to) {
    var out = [], at = 0;
    list.forEach(function (p) {
      var a = Math.max(from, at), b = Math.min(to, at + p.text.length);
      if (a < b) out.push({ text: p.text.slice(a - at, b - at), mark: p.mark });
      at += p.text.length;
    });
    return out;
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
  FullSource.prototype.contacts = function (query) { return this.engine.contacts(query); };
  FullSource.prototype.closest = function (query, limit) { return Promise.resolve(this.engine.closest(query, limit)); };

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
    this.haveVocab = Object.create(null);
    this.havePinyin = Object.create(null);
    this.vocab = Object.create(null);
    this.pinyin = Object.create(null);
    this.lengths = null;
    this.docs = Object.create(null);
    this.engine = null;
  }

  // After a search (the engine exists then).
  ShardedSource.prototype.contacts = function (query) {
    return this.engine ? this.engine.contacts(query) : [];
  };
  // When nothing matches: the questions whose titles share the most title keys with the query,
  // from the `c` files of the query's keys (the same rule as the one-file index), then the
  // document files of those questions.
  ShardedSource.prototype.closest = function (query, limit) {
    var self = this, m = this.m, parts = m.closest || [];
    var keys = queryKeys(query, setOf(m.options.stop_words));
    var shardOf = function (k) { return k.codePointAt(0) % m.shards; };
    var need = keys.map(shardOf).filter(function (k, i, all) { return parts[k] && all.indexOf(k) === i; });
    return Promise.all(need.map(function (k) { return self.file('c', k); })).then(function (maps) {
      var counts = Object.create(null);
      keys.forEach(function (key) {
        var at = need.indexOf(shardOf(key));
        var refs = at < 0 || !maps[at][key] ? [] : ascending(maps[at][key]);
        refs.forEach(function (ref) { counts[ref] = (counts[ref] || 0) + 1; });
      });
      var near = closestOf(counts, function (a, b) { return a - b; }, limit);
      return self.withDocs(near);
    });
  };

  // `results` with their documents, loading the document files they are in.
  ShardedSource.prototype.withDocs = function (results) {
    var self = this, per = this.m.docs_per_file, files = Object.create(null);
    results.forEach(function (r) { files[Math.floor(+r.ref / per)] = true; });
    var need = Object.keys(files).map(Number);
    return Promise.all(need.map(function (n) { return self.file('d', n); })).then(function (rows) {
      rows.forEach(function (list, i) {
        list.forEach(function (row, j) {
          self.docs[need[i] * per + j] = { url: row[0], title: row[1], chapter: row[2], number: row[3], body: row[4], html: row[5] || '' };
        });
      });
      results.forEach(function (r) { r.doc = self.docs[r.ref]; });
      return results;
    });
  };

  // The shards of the query's Chinese characters (whose vocabularies it is segmented against;
  // its Latin words are split against the manifest's Latin words and the pinyin parts), and
  // the pinyin parts of its letters.
  ShardedSource.prototype.shardsFor = function (query) {
    var m = this.m, out = Object.create(null), pinyin = Object.create(null);
    runs(normalize(query)).forEach(function (r) {
      for (var ch of r.text) {
        if (r.kind === 'han') out[ch.codePointAt(0) % m.shards] = true;
        var letter = ch.charCodeAt(0) - 97;
        if (letter >= 0 && letter < 26 && (m.pinyin || [])[letter]) pinyin[letter] = true;
      }
    });
    return { terms: Object.keys(out).map(Number), pinyin: Object.keys(pinyin).map(Number) };
  };

  ShardedSource.prototype.file = function (kind, n) {
    var m = this.m;
    var v = kind === 'd' ? m.docs : { t: m.terms, v: m.vocab, p: m.pinyin, c: m.closest, l: [m.lengths] }[kind][n];
    return this.load(this.base + 'search/' + kind + n + '.js?v=' + v, kind + n);
  };

  // Load the vocabularies `ks` and pinyin parts `ps` not loaded yet.
  ShardedSource.prototype.ensureVocab = function (ks, ps) {
    var self = this;
    var vocab = ks.filter(function (k, i) { return !self.haveVocab[k] && ks.indexOf(k) === i; });
    var pinyin = ps.filter(function (k) { return !self.havePinyin[k]; });
    var files = vocab.map(function (k) { return self.file('v', k); })
      .concat(pinyin.map(function (k) { return self.file('p', k); }));
    return Promise.all(files).then(function (loaded) {
      loaded.forEach(function (data, i) {
        if (i < vocab.length) {
          self.haveVocab[vocab[i]] = true;
          data.forEach(function (w) { self.vocab[w] = true; });
          return;
        }
        self.havePinyin[pinyin[i - vocab.length]] = true;
        for (var key in data) self.pinyin[key] = data[key];
      });
      if (loaded.length || !self.engine) self.remake();
    });
  };

  // Load the postings of shards `ks` not loaded yet (and the field lengths, once).
  ShardedSource.prototype.ensureTerms = function (ks) {
    var self = this;
    var terms = ks.filter(function (k) { return !self.have[k]; });
    var files = terms.map(function (k) { return self.file('t', k); });
    if (!this.lengths && terms.length) files.push(this.file('l', 0));
    return Promise.all(files).then(function (loaded) {
      loaded.forEach(function (data, i) {
        if (i === terms.length) { self.lengths = lengthsOf(data); return; }
        self.have[terms[i]] = true;
        self.fields.forEach(function (f) { addPostings(self.roots[f], data[f] || {}); });
      });
      if (loaded.length) self.remake();
    });
  };

  // The postings shards of the index terms that query word alternatives `alts` stand for: an
  // exact one's term, another's every term that starts with it (from the vocabularies, which
  // hold every term of their first characters).
  ShardedSource.prototype.postingsFor = function (alts) {
    var need = Object.create(null), shards = this.m.shards;
    var words = Object.keys(this.vocab);
    alts.forEach(function (a) {
      words.forEach(function (w) {
        if (a.exact ? w === a.term : w.lastIndexOf(a.term, 0) === 0) need[postingsShard(w, shards)] = true;
      });
    });
    return Object.keys(need).map(Number);
  };

  // The digits of packed text (src/search/pack.rs): a value under 64 is one character; a larger
  // one is digits 64-87 (base 24) before its last character.
  var PACKED = "#$%'()*+,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~";
  var DIGIT = [];
  for (var di = 0; di < PACKED.length; di++) DIGIT[PACKED.charCodeAt(di)] = di;

  // Packed text → its numbers.
  function unpack(text) {
    var out = [], high = 0, more = false;
    for (var i = 0; i < text.length; i++) {
      var v = DIGIT[text.charCodeAt(i)];
      if (v >= 64) { high = high * 24 + v - 64; more = true; continue; }
      out.push(more ? 64 + high * 64 + v : v);
      high = 0;
      more = false;
    }
    return out;
  }

  // Packed gaps (pack::gaps in src/search/pack.rs) → the ascending numbers they step through.
  function ascending(text) {
    var out = unpack(text);
    for (var i = 1; i < out.length; i++) out[i] += out[i - 1];
    return out;
  }

  // A term's postings shard: (first code point * 31 + second) % shards, as postings_shard_of
  // in src/search/mod.rs.
  function postingsShard(term, shards) {
    var first = term.codePointAt(0);
    var second = term.codePointAt(first > 0xffff ? 2 : 1) || 0;
    return (first * 31 + second) % shards;
  }

  // The field lengths file ({field: [values by frequency, packed ranks]}) → {field: [length
  // of each document]}.
  function lengthsOf(data) {
    var out = {};
    for (var f in data) {
      var table = data[f][0];
      out[f] = unpack(data[f][1]).map(function (r) { return table[r]; });
    }
    return out;
  }

  // A shard's postings of one field into the inverted index under `root`, as elasticlunr builds
  // it: tf = sqrt(count), df = the number of documents. Each term's postings are [gaps] or
  // [gaps, counts less 1], packed (see shard_js in src/search/mod.rs), or the name of an
  // earlier term of the shard with the same postings.
  function addPostings(root, terms) {
    var lists = Object.create(null);
    for (var term in terms) {
      var p = terms[term];
      var list = typeof p === 'string' ? lists[p] : (lists[term] = listOf(p));
      var node = root;
      for (var ch of term) node = node[ch] || (node[ch] = {});
      LISTS.set(node, list);
      node.df = list.ids.length;
    }
  }

  // [gaps, counts less 1] packed → {ids, tfs}: the documents (ascending) and tf.
  function listOf(p) {
    var ids = ascending(p[0]), counts = p[1] ? unpack(p[1]) : null;
    var tfs = ids.map(function (id, i) { return counts ? Math.sqrt(counts[i] + 1) : 1; });
    return { ids: ids, tfs: tfs };
  }

  // (Re)make the engine from what is loaded.
  ShardedSource.prototype.remake = function () {
    var self = this, index = { index: {}, documentStore: { length: this.m.n, docInfo: {} } };
    this.fields.forEach(function (f) { index.index[f] = { root: self.roots[f] }; });
    this.engine = new Engine({
      index: index, docs: this.docs, options: this.m.options, pinyin: this.pinyin, latin: this.m.latin,
      vocab: this.vocab,
      numbered: true, lengths: this.lengths,
    });
  };

  ShardedSource.prototype.search = function (query, limit) {
    var self = this, m = this.m;
    var first = this.shardsFor(query);
    return this.ensureVocab(first.terms, first.pinyin).then(function () {
      // The query's words and the terms their pinyin and synonyms stand for, with the
      // vocabularies of those terms' first characters (where their longer forms are listed).
      var alts = [];
      self.engine.tokens(query).forEach(function (t) { alts.push.apply(alts, t.alts); });
      var more = alts.map(function (a) { return a.term.codePointAt(0) % m.shards; });
      return self.ensureVocab(more, []).then(function () { return alts; });
    }).then(function (alts) {
      return self.ensureTerms(self.postingsFor(alts));
    }).then(function () {
      return self.withDocs(self.engine.search(query, limit));
    });
  };

  // A UI string with its values in its {name} places. Given a number n, a string of plural
  // forms 'one|other' gives its first form for 1 and its last for any other number, as the
  // templates' fill filter does (templates::strings::plural_form).
  function fill(text, args) {
    text = String(text);
    var n = args && args.n;
    var bar = text.indexOf('|');
    if (typeof n === 'number' && bar >= 0) text = n === 1 ? text.slice(0, bar) : text.slice(text.lastIndexOf('|') + 1);
    return text.replace(/\{(\w+)\}/g, function (m, name) {
      return args && args[name] != null ? String(args[name]) : m;
    });
  }

  global.FAQSITE_SEARCH_ENGINE = { fill: fill, contactHref: contactHref, normalize: normalize, Engine: Engine, snippet: snippet, highlight: highlight, FullSource: FullSource, ShardedSource: ShardedSource, unpack: unpack };

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
    // The theme's words for the site's language (strings/<language>.toml, set by the page).
    var T = {};
    try { T = JSON.parse(box.getAttribute('data-strings') || '{}'); } catch (e) { /* keep the keys */ }
    function t(key, args) {
      return fill(T[key] == null ? key : T[key], args);
    }
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

    // Append text pieces to `parent`, the marked ones in <mark>.
    function pieces(parent, list) {
      list.forEach(function (p) {
        parent.appendChild(p.mark ? el('mark', null, p.text) : document.createTextNode(p.text));
      });
    }

    // A result's title, its words marked, with the inline markup the page's title has (the
    // index's `html`: escaped text and the tags of TITLE_TAG only, as content::title makes it),
    // built element by element: the index's markup is never parsed as HTML.
    function titleInto(parent, doc, terms) {
      var marks = highlight(doc.title, terms);
      var parts = (doc.html || '').split(TITLE_TAG);
      // split() with TITLE_TAG's two groups: text, '/' or '', tag name, text, …
      var texts = parts.filter(function (x, i) { return i % 3 === 0; }).map(unescapeHtml);
      if (!doc.html || texts.join('') !== marks.map(function (p) { return p.text; }).join('')) {
        pieces(parent, marks);
        return;
      }
      var stack = [parent], at = 0;
      parts.forEach(function (x, i) {
        var top = stack[stack.length - 1];
        if (i % 3 === 1) return;
        if (i % 3 === 2) {
          if (parts[i - 1]) { if (stack.length > 1) stack.pop(); } else { stack.push(top.appendChild(el(x))); }
          return;
        }
        var text = unescapeHtml(x);
        pieces(top, slicePieces(marks, at, at + text.length));
        at += text.length;
      });
    }

    // On phones (the widths search.css opens search full screen at) the open search is a
    // history entry of its own: the back button or gesture closes it, and closing it another
    // way (Escape, the close button) goes back past that entry, so history stays as it was.
    var phone = global.matchMedia ? global.matchMedia('(max-width: 599.98px)') : null;
    var pushed = false; // the open search's history entry is ours
    // Where focus was before the search box got it (the page's loader keeps it when that focus
    // is what loaded this script).
    var opener = document.activeElement === input ? input.faqsiteOpener || null : null;
    function ours(state) { return !!(state && state.faqsiteSearch); }

    function open() {
      if (box.classList.contains('search-open')) return;
      box.classList.add('search-open'); // full screen on phones (search.css)
      if (!phone || !phone.matches || !global.history || !history.pushState) return;
      try {
        if (!ours(history.state)) history.pushState({ faqsiteSearch: true }, '', location.href);
        pushed = true;
      } catch (e) { /* no history here: Escape and the close button still close it */ }
    }

    // Close the results; `popped`: the back button did, and the search's entry is gone.
    function close(popped) {
      clearTimeout(timer);
      latest++; // a search still under way shows nothing
      panel.hidden = true;
      panel.textContent = '';
      links = [];
      box.classList.remove('search-open');
      if (pushed && !popped) history.back();
      pushed = false;
    }

    // Close, then focus the search box; on phones, where the search covered the page, where
    // focus was before the search had it.
    function dismiss(popped) {
      var full = box.classList.contains('search-open') && phone && phone.matches;
      close(popped);
      var back = full && opener && opener !== document.body && document.contains(opener) ? opener : input;
      back.focus();
    }

    input.addEventListener('focus', function (e) {
      if (!box.classList.contains('search-open')) opener = e.relatedTarget;
    });
    global.addEventListener('popstate', function (e) {
      if (box.classList.contains('search-open') && !ours(e.state)) dismiss(true);
    });
    var closer = el('button', 'search-close', '\u00d7');
    closer.type = 'button';
    closer.setAttribute('aria-label', t('search_close'));
    closer.addEventListener('click', function () { dismiss(false); });
    box.insertBefore(closer, panel);

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

    // The contact entries a query asks for, first: label and value on one line, linked.
    function contactList(contacts) {
      var list = el('ul', 'search-list search-contacts');
      contacts.forEach(function (c) {
        var li = el('li');
        var href = contactHref(c);
        // A value that is no link (an address) does not look like one.
        var a = el(href ? 'a' : 'div', href ? 'search-hit search-contact' : 'search-hit search-contact search-plain');
        if (href) { a.href = href; a.setAttribute('data-contact', c.label); links.push(a); }
        var title = el('span', 'search-title');
        title.appendChild(el('span', 'search-contact-label', c.label + t('search_contact_separator')));
        title.appendChild(el('span', 'search-contact-value', c.value));
        a.appendChild(title);
        li.appendChild(a);
        list.appendChild(li);
      });
      return list;
    }

    // How many em of snippet text fit its three lines in the panel (a few em per line kept for
    // where the lines break), so that a snippet is whole: the highlights in it are not cut.
    function snippetRoom(list) {
      var a = list.appendChild(el('li')).appendChild(el('a', 'search-hit'));
      var probe = a.appendChild(el('span', 'search-snippet', '\u00a0'));
      var width = probe.getBoundingClientRect().width;
      var size = parseFloat(getComputedStyle(probe).fontSize) || 14;
      list.removeChild(a.parentNode);
      return width > 0 ? Math.max(12, Math.floor(3 * width / size - 8)) : 0;
    }

    // The results as a list at the end of `parent`.
    function resultList(results, parent) {
      var list = el('ul', 'search-list');
      parent.appendChild(list);
      var room = snippetRoom(list);
      results.forEach(function (r) {
        var li = el('li');
        var a = el('a', 'search-hit');
        a.href = root + r.doc.url;
        var title = el('span', 'search-title', r.doc.number ? r.doc.number + ' ' : '');
        titleInto(title, r.doc, r.terms);
        a.appendChild(title);
        a.appendChild(el('span', 'search-chapter', r.doc.chapter));
        if (r.terms.length) {
          var snip = el('span', 'search-snippet');
          pieces(snip, snippet(r.doc.body || '', r.terms, snippetLength, room));
          a.appendChild(snip);
        }
        li.appendChild(a);
        list.appendChild(li);
        links.push(a);
      });
      return list;
    }

    // What the reader did, for the page's other scripts (feedback.js): `faqsite:search`
    // {query, count} for each search shown, `faqsite:open` {query, url} for a result opened.
    function told(name, detail) {
      box.dispatchEvent(new CustomEvent('faqsite:' + name, { bubbles: true, detail: detail }));
    }
    function opened(a) {
      if (a && !a.hasAttribute('data-contact')) told('open', { query: input.value.trim(), url: a.getAttribute('href').slice(root.length) });
    }
    panel.addEventListener('click', function (e) { opened(e.target.closest && e.target.closest('a.search-hit')); });

    function show(q, results) {
      told('search', { query: q, count: results.length });
      panel.textContent = '';
      links = [];
      panel.hidden = false;
      open();
      var contacts = source.contacts(q);
      if (contacts.length) panel.appendChild(contactList(contacts));
      if (!results.length) { showNothing(q, contacts); return; }
      panel.appendChild(el('p', 'search-count', t('search_count', { n: results.length })));
      resultList(results, panel);
    }

    // Nothing found: say so with the site's example words, then the closest questions (they
    // may need files loaded: they arrive after) and the contact card, never a dead end.
    function showNothing(q, contacts) {
      var ticket = latest;
      var empty = el('div', 'search-empty');
      empty.appendChild(el('p', 'search-empty-title', t('search_no_results', { q: q })));
      var examples = source.options.examples || [];
      empty.appendChild(examples.length ? exampleHint(examples) : el('p', 'search-hint', t('search_try')));
      panel.appendChild(empty);
      var near = el('div', 'search-near');
      panel.appendChild(near);
      if (!contacts.length && source.options.contacts && source.options.contacts.length) {
        panel.appendChild(contactList(source.options.contacts));
      }
      source.closest(q, 3).then(function (list) {
        if (ticket !== latest || !list.length) return;
        near.appendChild(el('p', 'search-count', t('search_near')));
        resultList(list, near);
        links = Array.prototype.slice.call(panel.querySelectorAll('a'));
      }, function () { /* no closest questions: the card is there */ });
    }

    // "Try … for example: a, b": each example a button that searches for it.
    function exampleHint(examples) {
      var hint = el('p', 'search-hint');
      var around = t('search_try_examples').split('{examples}');
      hint.appendChild(document.createTextNode(around[0]));
      var words = el('span', 'search-examples');
      examples.forEach(function (w) {
        var b = words.appendChild(el('button', 'search-example', w));
        b.type = 'button';
        b.addEventListener('click', function (e) {
          e.stopPropagation(); // the button is gone when the click reaches the document
          input.value = w;
          remember(w);
          render(w).then(function () { input.focus(); });
        });
      });
      hint.appendChild(words);
      if (/[\p{L}\p{N}]/u.test(around[1] || '')) hint.appendChild(document.createTextNode(around[1]));
      return hint;
    }

    function remember(query) {
      if (!global.history || !history.replaceState) return;
      try {
        var url = new URL(location.href);
        if (query.trim()) url.searchParams.set('q', query.trim());
        else url.searchParams.delete('q');
        history.replaceState(history.state, '', url.toString());
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
        render(input.value).then(function () { if (links.length) { opened(links[0]); location.href = links[0].href; } });
      } else if (e.key === 'Escape') { dismiss(false); }
    });

    panel.addEventListener('keydown', function (e) {
      var i = links.indexOf(document.activeElement);
      if (e.key === 'ArrowDown') { e.preventDefault(); focusLink(i + 1); }
      else if (e.key === 'ArrowUp') {
        e.preventDefault();
        if (i <= 0) input.focus(); else focusLink(i - 1);
      } else if (e.key === 'Escape') { e.preventDefault(); dismiss(false); }
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
    // The page loads this script when the field is first focused: words typed meanwhile.
    else if (input.value.trim()) render(input.value);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})(typeof window !== 'undefined' ? window : this);
