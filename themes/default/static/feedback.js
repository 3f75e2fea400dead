/* "Was this answer helpful?" under each answer, and the page's events ([feedback] of
   site.toml). A vote is kept on this device (localStorage: no second vote); "no" opens the
   contact entries and the form link, its {title} and {url} filled in.
   Events (only with `data-events`, the URL of the 1x1 GIF the build writes): a request for
   that file whose query says what happened, so it lands in the web server's own access log:
     e=search&q=…&n=…   a search the reader stopped at (n: results; 0: nothing found)
     e=open&q=…&p=…     a search result opened (p: the question's URL from the site root)
     e=vote&p=…&v=yes|no
     e=contact&c=…&p=…  a contact link used (c: its label, or "form"), on page p
   No cookie, no identifier; nothing when the browser asks not to be tracked, nothing from
   file://. A query that looks like a phone number, an e-mail address or an ID number is
   masked before it is sent. With `data-analytics` the same events also go to that service's
   page API (Plausible, Umami, GA4, Baidu Tongji), if the site loads its script. */
(function (global) {
  'use strict';

  // Personal data in a query: e-mail addresses, Chinese ID numbers (17 digits and a check
  // digit or X), phone numbers and other runs of 7 or more digits (spaces, dashes and dots
  // between them; not part of a word such as the error code 0x80070005), each replaced by a
  // word saying what was there.
  function mask(query) {
    return String(query)
      .replace(/[^\s@]+@[^\s@]+\.[^\s@]+/g, '[email]')
      .replace(/(^|\D)\d{17}[\dXx](?![\dA-Za-z])/g, '$1[id]')
      .replace(/(^|[^A-Za-z\d])\+?\d(?:[\s.\-()]*\d){6,}(?![A-Za-z])/g, '$1[number]');
  }

  function encode(params) {
    return Object.keys(params).map(function (k) {
      return encodeURIComponent(k) + '=' + encodeURIComponent(params[k]);
    }).join('&');
  }

  global.FAQSITE_FEEDBACK = { mask: mask, encode: encode };
  if (typeof document === 'undefined') return;

  var me = document.currentScript;
  if (!me) return;
  var gif = me.getAttribute('data-events');
  var service = me.getAttribute('data-analytics') || '';
  var here = me.getAttribute('data-page') || '';
  var nav = global.navigator || {};
  var private_ = nav.doNotTrack === '1' || global.doNotTrack === '1' || nav.globalPrivacyControl === true;
  var sending = location.protocol !== 'file:' && !private_;

  // The same event to the analytics service the site loads, when its script is there.
  function analytics(name, params) {
    try {
      if (service === 'plausible' && global.plausible) global.plausible('faqsite_' + name, { props: params });
      else if (service === 'umami' && global.umami) global.umami.track('faqsite_' + name, params);
      else if (service === 'ga4' && global.gtag) global.gtag('event', 'faqsite_' + name, params);
      else if (service === 'baidu' && global._hmt) global._hmt.push(['_trackEvent', 'faqsite', name, encode(params)]);
    } catch (e) { /* the service's script failed: the event is in the access log still */ }
  }

  function send(name, params) {
    if (!sending) return;
    if (params.q != null) params.q = mask(params.q);
    var all = { e: name };
    Object.keys(params).forEach(function (k) { all[k] = params[k]; });
    if (gif) {
      var url = gif + '?' + encode(all);
      // keepalive: the request outlives the page (a result opened leaves it at once).
      if (global.fetch) global.fetch(url, { keepalive: true, credentials: 'omit', cache: 'no-store' }).catch(function () {});
      else new Image().src = url;
    }
    if (service) analytics(name, params);
  }

  // A search is sent once the reader stops at it: when a result is opened, after 1.5 s with
  // no newer query, or when the page is left.
  var pending = null;
  var timer = null;
  var last = '';
  function flush() {
    clearTimeout(timer);
    if (pending && pending.q !== last) {
      last = pending.q;
      send('search', pending);
    }
    pending = null;
  }
  document.addEventListener('faqsite:search', function (e) {
    pending = { q: e.detail.query, n: e.detail.count };
    clearTimeout(timer);
    timer = setTimeout(flush, 1500);
  });
  document.addEventListener('faqsite:open', function (e) {
    flush();
    send('open', { q: e.detail.query, p: e.detail.url });
  });
  global.addEventListener('pagehide', flush);

  document.addEventListener('click', function (e) {
    var a = e.target.closest ? e.target.closest('a[data-contact]') : null;
    // In a box under an answer of a chapter page: that answer's question is the page.
    var box = a && a.closest('[data-feedback]');
    if (a) send('contact', { c: a.getAttribute('data-contact'), p: box ? box.getAttribute('data-feedback') : here });
  });

  function stored(key, value) {
    try {
      if (value === undefined) return global.localStorage.getItem(key);
      global.localStorage.setItem(key, value);
    } catch (e) { /* storage off: the vote is simply not remembered */ }
    return null;
  }

  // Show the box's state for a vote (`fresh`: just cast, so say thanks and move focus).
  function voted(box, vote, fresh) {
    [].forEach.call(box.querySelectorAll('.feedback-vote'), function (b) {
      b.disabled = true;
      b.setAttribute('aria-pressed', String(b.value === vote));
    });
    var thanks = box.querySelector('.feedback-thanks');
    thanks.textContent = box.getAttribute('data-thanks');
    var next = box.querySelector('.feedback-next');
    if (next && vote === 'no') next.hidden = false;
    if (!fresh) return;
    var first = next && vote === 'no' ? next.querySelector('a[href]') : null;
    (first || thanks).focus();
  }

  function setUp(box) {
    var url = box.getAttribute('data-feedback');
    var key = 'faqsite-vote:' + url;
    var form = box.querySelector('a[data-form]');
    if (form) {
      var page = new URL(url, new URL(me.getAttribute('data-root') || '', location.href)).href;
      form.href = form.getAttribute('data-form').replace(/\{(title|url)\}/g, function (m, name) {
        return encodeURIComponent(name === 'title' ? box.getAttribute('data-title') : page);
      });
    }
    box.hidden = false;
    var before = stored(key);
    if (before === 'yes' || before === 'no') { voted(box, before, false); return; }
    box.addEventListener('click', function (e) {
      var b = e.target.closest('.feedback-vote');
      if (!b || b.disabled) return;
      stored(key, b.value);
      voted(box, b.value, true);
      send('vote', { p: url, v: b.value });
    });
  }

  function init() {
    [].forEach.call(document.querySelectorAll('[data-feedback]'), setUp);
    // The vote whose click loaded this script (base.html's loader kept it).
    var waiting = global.FAQSITE_FEEDBACK_CLICK;
    global.FAQSITE_FEEDBACK_CLICK = null;
    if (waiting) waiting.click();
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})(typeof window !== 'undefined' ? window : this);
