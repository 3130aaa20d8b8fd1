/* youfu: filters whose state lives in the URL, print buttons.
   No network, no dependencies; works from file:// too. */
(function () {
  "use strict";

  /* An item matches a filter value when its data attribute holds it.
     Lists are separated by "|" (services) or spaces (group ids); a province
     matches itself, and national items (全国) match every region. A place is a
     path "省/市/县": choosing 福建省 shows everything in it; an item whose
     record speaks for its whole area (data-covers) also shows in the places below. */
  function matches(item, attr, value) {
    var have = item.getAttribute("data-" + attr) || "";
    if (attr === "province") return have === value || have === "全国";
    if (attr === "place") {
      return have === value || have === "全国" || have.indexOf(value + "/") === 0 ||
        (item.hasAttribute("data-covers") && value.indexOf(have + "/") === 0);
    }
    var list = have.indexOf("|") >= 0 || attr === "services" ? have.split("|") : have.split(" ");
    return list.indexOf(value) !== -1;
  }

  function setupFilter(form) {
    var scope = form.closest("article") || document;
    var selects = Array.prototype.slice.call(form.querySelectorAll("select[name]"));
    var items = Array.prototype.slice.call(scope.querySelectorAll("[data-yf-item]"));
    var rows = Array.prototype.slice.call(scope.querySelectorAll("[data-yf-row]"));
    var count = form.querySelector("[data-yf-count]");
    var empty = scope.querySelector("[data-yf-empty]");
    var params = new URLSearchParams(window.location.search);

    selects.forEach(function (select) {
      var wanted = params.get(select.name);
      var known = Array.prototype.some.call(select.options, function (o) { return o.value === wanted; });
      if (wanted !== null && known) select.value = wanted;
    });

    function apply(remember) {
      var active = selects.filter(function (s) { return s.value; });
      var shown = 0;
      items.forEach(function (item) {
        var ok = active.every(function (s) { return matches(item, s.getAttribute("data-yf-attr"), s.value); });
        item.hidden = !ok;
        if (ok) shown += 1;
      });
      rows.forEach(function (row) {
        if (!row.hasAttribute("data-yf-item")) row.hidden = !row.querySelector("[data-yf-item]:not([hidden])");
      });
      scope.querySelectorAll("[data-yf-section]").forEach(function (section) {
        section.hidden = !section.querySelector("[data-yf-item]:not([hidden])");
      });
      markScrolling();
      if (count) count.textContent = "显示 " + shown + " / " + items.length + " 项";
      if (empty) empty.hidden = shown > 0;
      if (remember) {
        var next = new URLSearchParams(window.location.search);
        selects.forEach(function (s) { if (s.value) next.set(s.name, s.value); else next.delete(s.name); });
        var query = next.toString();
        window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
      }
    }

    selects.forEach(function (s) { s.addEventListener("change", function () { apply(true); }); });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    apply(false);
  }

  /* A table wider than its frame scrolls inside it: say so in words above it, and show a
     shadow at the edge that has more (the stylesheet), so that nobody misses the other columns. */
  function markScrolling() {
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap) {
      var scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
      wrap.classList.toggle("yf-scrolls", scrolls);
      var hint = wrap.previousElementSibling;
      var has = hint && hint.classList.contains("yf-scroll-hint");
      if (scrolls && !has) {
        hint = document.createElement("p");
        hint.className = "yf-scroll-hint";
        hint.textContent = "表格较宽：请在表格上左右滑动（或用方向键）查看其余各列 →";
        wrap.parentNode.insertBefore(hint, wrap);
      } else if (!scrolls && has) {
        hint.parentNode.removeChild(hint);
      }
    });
  }

  /* The phone menu (Material's drawer, a checkbox): the 菜单 button opens and closes it from the
     keyboard (Enter, Space; Escape closes) and says whether it is open. While it is closed the
     stylesheet hides it (visibility), so its links are not in the Tab order. */
  function setupMenu() {
    var toggle = document.getElementById("__drawer");
    var button = document.querySelector(".yf-menu-button");
    var drawer = document.querySelector(".md-sidebar--primary");
    if (!toggle || !button || !drawer) return;
    drawer.id = drawer.id || "yf-drawer-nav";
    button.setAttribute("aria-controls", drawer.id);
    function sync() {
      button.setAttribute("aria-expanded", toggle.checked ? "true" : "false");
      /* opened from the keyboard: move into the menu once it has slid in */
      if (toggle.checked && document.activeElement === button) {
        var first = drawer.querySelector("a[href]");
        if (first) window.setTimeout(function () { first.focus(); }, 260);
      }
    }
    toggle.addEventListener("change", sync);
    sync();
    /* Material's own keyboard handler clicks a focused label on Enter; Space is ours. */
    button.addEventListener("keydown", function (e) {
      if (e.key !== " ") return;
      e.preventDefault();
      toggle.click();
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && toggle.checked) { toggle.click(); button.focus(); }
    });
  }

  function init() {
    setupMenu();
    markScrolling();
    window.addEventListener("resize", markScrolling);
    document.querySelectorAll("[data-yf-filter]").forEach(setupFilter);
    /* Print only the printable part (card or checklist), without navigation chrome. */
    document.querySelectorAll("[data-yf-print]").forEach(function (button) {
      button.addEventListener("click", function () {
        document.documentElement.setAttribute("data-yf-printing", "");
        window.print();
      });
    });
    window.addEventListener("afterprint", function () {
      document.documentElement.removeAttribute("data-yf-printing");
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
