// The language chosen in the switcher is remembered on this device; the default language's
// home page (its script tag carries `data-home`) sends the reader to that language's home.
// Published only by a site in several languages.
(function (d, k, home) {
  var s, w, a;
  try {
    s = localStorage;
    w = s.getItem(k);
  } catch (x) {
    return;
  }
  d.addEventListener('click', function (e) {
    var l = e.target.closest && e.target.closest('a[data-lang]');
    if (l)
      try {
        s.setItem(k, l.getAttribute('data-lang'));
      } catch (x) {
        /* storage refused: nothing remembered */
      }
  });
  if (
    home &&
    w &&
    /^[A-Za-z0-9-]+$/.test(w) &&
    w !== d.documentElement.lang &&
    (a = d.querySelector('.lang-switch a[data-lang="' + w + '"]'))
  )
    location.replace(a.href);
})(document, 'faqsite-language', document.currentScript && document.currentScript.hasAttribute('data-home'));
