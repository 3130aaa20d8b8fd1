/* youfu: a page opened from a search result (page.html?h=绿色通道+就医#section) marks the
   words the search found — Material's search.highlight convention — and brings the first
   of them in the linked section into view. Plain DOM calls; works from file:// too. */
(function () {
  "use strict";

  var wanted;
  try {
    wanted = (new URLSearchParams(window.location.search).get("h") || "").split(/\s+/);
  } catch (e) { return; }
  wanted = wanted.filter(function (w, i) { return w && wanted.indexOf(w) === i; }).slice(0, 20);
  if (!wanted.length) return;
  wanted.sort(function (a, b) { return b.length - a.length; });  // the longer word first (绿色通道 before 通道)
  var lower = wanted.map(function (w) { return w.toLowerCase(); });
  var SKIP = /^(SCRIPT|STYLE|TEXTAREA|INPUT|SELECT|OPTION|BUTTON|MARK|SVG|NOSCRIPT)$/;

  function mark() {
    var scope = document.querySelector("article") || document.body;
    var walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        for (var el = node.parentNode; el && el !== scope; el = el.parentNode) {
          if (SKIP.test(el.nodeName.toUpperCase()) || (el.classList && el.classList.contains("headerlink"))) {
            return NodeFilter.FILTER_REJECT;
          }
        }
        return NodeFilter.FILTER_ACCEPT;
      }
    });
    var nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    var marks = [];
    nodes.forEach(function (node) {
      var text = node.nodeValue, low = text.toLowerCase(), pos = 0, parts = [];
      while (pos < text.length) {
        var at = -1, len = 0;
        lower.forEach(function (w) {
          var i = low.indexOf(w, pos);
          if (i >= 0 && (at < 0 || i < at || (i === at && w.length > len))) { at = i; len = w.length; }
        });
        if (at < 0) break;
        parts.push(text.slice(pos, at), text.slice(at, at + len));
        pos = at + len;
      }
      if (!parts.length) return;
      parts.push(text.slice(pos));
      var fragment = document.createDocumentFragment();
      parts.forEach(function (part, i) {
        if (i % 2 === 0) { if (part) fragment.appendChild(document.createTextNode(part)); return; }
        var m = document.createElement("mark");
        m.setAttribute("data-yf-highlight", "");
        m.textContent = part;
        fragment.appendChild(m);
        marks.push(m);
      });
      node.parentNode.replaceChild(fragment, node);
    });
    return marks;
  }

  /* The first mark at or after the linked section's heading, else the first one. */
  function target(marks) {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var heading = id ? document.getElementById(id) : null;
    if (heading) {
      for (var i = 0; i < marks.length; i++) {
        if (heading.compareDocumentPosition(marks[i]) & Node.DOCUMENT_POSITION_FOLLOWING) return marks[i];
      }
    }
    return marks[0];
  }

  function run() {
    var marks = mark();
    if (!marks.length) return;
    document.documentElement.setAttribute("data-yf-highlighted", String(marks.length));
    var first = target(marks);
    // After the browser's own jump to #section, bring the word itself into view.
    window.requestAnimationFrame(function () { first.scrollIntoView({ block: "center" }); });
  }

  if (document.readyState === "complete") run();
  else window.addEventListener("load", run);
})();
