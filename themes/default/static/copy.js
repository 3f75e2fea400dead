/* A "Copy" button on every code block of an answer (the build wraps each in .code-block).
   The labels come from the page's UI strings, on this script's element. Copies with the
   Clipboard API (also from file://), else by selecting the text and the copy command. */
(function () {
  var me = document.currentScript;
  var label = me.getAttribute('data-copy') || 'Copy';
  var done = me.getAttribute('data-copied') || 'Copied';
  function fallback(text) {
    var area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    var ok;
    try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error('copy failed'));
  }
  function copy(text) {
    if (navigator.clipboard && navigator.clipboard.writeText) {
      return navigator.clipboard.writeText(text).catch(function () { return fallback(text); });
    }
    return fallback(text);
  }
  function add(block) {
    var code = block.querySelector('pre');
    if (!code) return;
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'copy-code';
    button.textContent = label;
    button.addEventListener('click', function () {
      copy(code.textContent).then(function () {
        button.textContent = done;
        button.classList.add('done');
        setTimeout(function () { button.textContent = label; button.classList.remove('done'); }, 2000);
      });
    });
    block.appendChild(button);
  }
  function start() { [].forEach.call(document.querySelectorAll('.code-block'), add); }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
