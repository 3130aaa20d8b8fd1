/* youfu search: runs on the search page against the sharded index in search/idx/.
   Index files are scripts calling __yfSearch.load(kind, number, data), loaded with
   <script> tags so that search works on any static host, under a sub-path and from
   file://. Only the shards a query needs are fetched. Results are built with DOM
   calls (textContent), never innerHTML. */
(function () {
  "use strict";

  var root = document.querySelector("[data-yf-search]");
  if (!root) return;
  var base = root.getAttribute("data-index");  // relative URL of search/idx/
  var form = root.querySelector("form");
  var input = document.getElementById("search-input");
  var results = document.getElementById("search-results");
  var status = root.querySelector("[data-yf-search-status]");
  var PAGE = 10;
  var B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;

  /* ---------------- loading index pieces ---------------- */
  var store = { m: {}, t: {}, x: {}, f: {}, s: {}, p: {} };
  var waiting = {};
  window.__yfSearch = {
    load: function (kind, number, data) {
      store[kind][number] = data;
      var key = kind + number;
      (waiting[key] || []).forEach(function (done) { done(data); });
      delete waiting[key];
    }
  };
  var PATHS = { m: "meta", t: "t/", x: "x/", f: "facets", s: "s/", p: "pinyin" };
  function load(kind, number) {
    if (store[kind].hasOwnProperty(number)) return Promise.resolve(store[kind][number]);
    var key = kind + number;
    return new Promise(function (resolve, reject) {
      if (waiting[key]) { waiting[key].push(resolve); return; }
      waiting[key] = [resolve];
      var script = document.createElement("script");
      var path = PATHS[kind];
      script.src = base + (path.slice(-1) === "/" ? path + number : path) + ".js";
      script.async = true;
      script.onerror = function () { delete waiting[key]; reject(new Error("index file missing: " + script.src)); };
      document.head.appendChild(script);
    });
  }

  /* ---------------- folding and terms (as in hooks/youfu/search.py) ---------------- */
  function crc32(text) {
    var bytes = unescape(encodeURIComponent(text)), crc = -1;
    for (var i = 0; i < bytes.length; i++) {
      crc ^= bytes.charCodeAt(i);
      for (var k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xEDB88320 & -(crc & 1));
    }
    return (crc ^ -1) >>> 0;
  }

  function widen(text) {
    return text.replace(/[\uff01-\uff5e]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xfee0); })
      .replace(/\u3000/g, " ");
  }

  function fold(text, meta) {
    text = widen(text).toLowerCase();
    var wanted = {};
    for (var i = 0; i < text.length; i++) {
      if (HAN.test(text[i])) wanted[text.charCodeAt(i) % meta.t2s_shards] = true;
    }
    return Promise.all(Object.keys(wanted).map(function (n) { return load("s", +n); })).then(function (shards) {
      var map = {};
      shards.forEach(function (pairs) { for (var j = 0; j < pairs.length; j += 2) map[pairs[j]] = pairs[j + 1]; });
      return text.replace(/./g, function (c) { return map[c] || c; });
    });
  }

  /* Units: every Han character, every ASCII word or number; adjacent ones form a run. */
  function runs(text) {
    var out = [], re = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9a-z]+/g, m, lastEnd = -1;
    while ((m = re.exec(text))) {
      var pieces = HAN.test(m[0][0]) ? m[0].split("") : [m[0]];
      if (m.index === lastEnd && out.length) out[out.length - 1] = out[out.length - 1].concat(pieces);
      else out.push(pieces);
      lastEnd = m.index + m[0].length;
    }
    return out;
  }

  /* The terms that must all be present for one query word. */
  function wordTerms(word) {
    var terms = [];
    runs(word).forEach(function (run) {
      if (run.length === 1) terms.push(run[0]);
      for (var i = 0; i + 1 < run.length; i++) terms.push(run[i] + run[i + 1]);
    });
    return terms;
  }

  function decode(postings) {
    var map = new Map(), doc = -1, i = 0;
    while (i < postings.length) {
      var value = 0, shift = 0, c;
      do { c = B64.indexOf(postings[i++]); value |= (c & 31) << shift; shift += 5; } while (c & 32);
      doc += value + 1;
      map.set(doc, B64.indexOf(postings[i++]));
    }
    return map;
  }

  function postingsFor(term, meta) {
    var shard = crc32(term.replace(/^\^/, "")) % meta.shards;
    return load("t", shard).then(function (data) { return data[term] ? decode(data[term]) : new Map(); });
  }

  /* ---------------- query ---------------- */
  function parseQuery(text) {
    var words = [], re = /"([^"]+)"|“([^”]+)”|(\S+)/g, m;
    while ((m = re.exec(text))) words.push(m[1] || m[2] || m[3]);
    return words;
  }

  /* A query word is matched by any of its alternatives: itself and, for a Latin-only
     word that is the pinyin of a place name in the data (datong), those names (大同).
     "da tong" is read as "datong" when only the joined form is such a name. The
     pinyin table (search/idx/pinyin.js, a few KB) is fetched only for such queries. */
  var LATIN = /^[a-z]{2,}$/;
  function expand(words) {
    var one = function (w) { return { word: w, alts: [{ word: w, terms: wordTerms(w) }] }; };
    if (!words.some(function (w) { return LATIN.test(w); })) return Promise.resolve(words.map(one));
    return load("p", 0).then(function (pinyin) {
      var joined = words.join("");
      if (words.length > 1 && words.every(function (w) { return /^[a-z]+$/.test(w); }) &&
          pinyin[joined] && !words.every(function (w) { return pinyin[w]; })) words = [joined];
      return words.map(function (w) {
        var word = one(w);
        if (LATIN.test(w) && pinyin.hasOwnProperty(w)) {
          pinyin[w].forEach(function (name) { word.alts.push({ word: name, terms: wordTerms(name), pinyin: true }); });
        }
        return word;
      });
    }, function () { return words.map(one); });  // no table: search the words as they are
  }

  function filtersFromForm() {
    var f = {};
    ["year_from", "year_to", "bureau", "region", "kind", "topic"].forEach(function (name) {
      var el = form.elements[name];
      if (el && el.value) f[name] = el.value;
    });
    return f;
  }

  function passesFilters(doc, f, facets) {
    if (!facets) return true;
    var row = facets.rows[doc];
    if (f.year_from && !(row[0] && row[0] >= +f.year_from)) return false;
    if (f.year_to && !(row[0] && row[0] <= +f.year_to)) return false;
    if (f.bureau && facets.bureaus[row[1]] !== f.bureau) return false;
    if (f.region && facets.regions[row[2]] !== f.region) return false;
    if (f.kind && facets.kinds[row[3]] !== f.kind) return false;
    if (f.topic) {
      var bit = facets.topics.indexOf(f.topic);
      if (bit < 0 || !(row[4] & (1 << bit))) return false;
    }
    return true;
  }

  function search(text, filters) {
    return load("m", 0).then(function (meta) {
      return fold(text, meta).then(function (folded) {
        return expand(parseQuery(folded));
      }).then(function (words) {
        words = words.filter(function (w) {
          w.alts = w.alts.filter(function (a) { return a.terms.length; });
          return w.alts.length;
        });
        var needFacets = Object.keys(filters).length > 0;
        if (!words.length && !needFacets) return { meta: meta, words: [], hits: [] };
        var all = [];
        words.forEach(function (w) {
          w.alts.forEach(function (a) { a.terms.forEach(function (t) { all.push(t, "^" + t); }); });
        });
        return Promise.all([
          Promise.all(all.map(function (t) { return postingsFor(t, meta); })),
          needFacets ? load("f", 0) : Promise.resolve(null)
        ]).then(function (loaded) {
          var lists = {}, facets = loaded[1];
          all.forEach(function (t, i) { lists[t] = loaded[0][i]; });
          return { meta: meta, words: words, hits: rank(words, lists, meta, filters, facets) };
        });
      });
    });
  }

  function rank(words, lists, meta, filters, facets) {
    var candidates = null;
    if (!words.length) {
      candidates = [];
      for (var d = 0; d < meta.docs; d++) candidates.push(d);
    } else {
      /* A page is a candidate when, for every word, one alternative has all its terms. */
      words.forEach(function (w) {
        var docs = new Set();
        w.alts.forEach(function (a) {
          var have = null;
          a.terms.forEach(function (t) {
            var list = lists[t];
            have = have === null ? Array.from(list.keys()) : have.filter(function (doc) { return list.has(doc); });
          });
          have.forEach(function (doc) { docs.add(doc); });
        });
        candidates = candidates === null ? Array.from(docs) : candidates.filter(function (doc) { return docs.has(doc); });
      });
      candidates.sort(function (a, b) { return a - b; });
    }
    var hits = [];
    candidates.forEach(function (doc) {
      if (!passesFilters(doc, filters, facets)) return;
      var score = 0, titleWords = 0;
      words.forEach(function (w) {
        var best = 0, inTitle = false;
        w.alts.forEach(function (a) {
          if (!a.terms.every(function (t) { return lists[t].has(doc); })) return;
          inTitle = inTitle || a.terms.every(function (t) { return lists["^" + t].has(doc); });
          var part = 0;
          a.terms.forEach(function (t) {
            var idf = Math.log(1 + meta.docs / (1 + lists[t].size));
            part += idf * Math.min(lists[t].get(doc), 10) / (lists[t].get(doc) + 1.5) * 2.5;
          });
          best = Math.max(best, part);
        });
        if (inTitle) titleWords++;
        score += best;
      });
      hits.push({ doc: doc, score: score + (titleWords === words.length && words.length ? 1000 : titleWords * 100), phrase: false });
    });
    hits.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
    return hits;
  }

  /* Load the first page of hits (one file each: title line and sections) and put
     exact phrases first; the next ones are loaded when "more" is asked for. */
  function refine(result) {
    var top = result.hits.slice(0, PAGE);
    return Promise.all(top.map(function (hit) { return fill(hit, result.words); })).then(function () {
      top.sort(function (a, b) { return (b.phrase - a.phrase) || (b.score - a.score) || (a.doc - b.doc); });
      var list = top.concat(result.hits.slice(PAGE));
      list.words = result.words;
      return list;
    });
  }

  /* A hit's title line, the section to link to and a snippet there. */
  function fill(hit, words) {
    return load("x", hit.doc).then(function (rows) {
      var row = rows[0];
      hit.url = row[0]; hit.title = row[1]; hit.sub = row[2]; hit.kind = row[3];
      locate(hit, foldSections(rows.slice(1)), words);
    });
  }

  /* A section row is [anchor, heading, text] and, when the text has Traditional
     characters, its Simplified form: no folding table is needed here. */
  function foldSections(sections) {
    return sections.map(function (s) {
      var raw = s[1] + "\n" + s[2];
      return { anchor: s[0], raw: raw, folded: widen(s.length > 3 ? s[3] : raw).toLowerCase() };
    });
  }

  /* The first section holding every word (as a phrase if possible), and a snippet there. */
  function has(s, w) {
    return w.alts.some(function (a) { return s.folded.indexOf(a.word) >= 0; });
  }

  function locate(hit, sections, words) {
    var best = null;
    sections.forEach(function (s) {
      var all = words.every(function (w) { return has(s, w); });
      if (all && !best) best = s;
    });
    hit.phrase = !!best;
    var section = best || sections.find(function (s) {
      return words.some(function (w) { return has(s, w); });
    }) || sections[0];
    hit.anchor = section ? section.anchor : "";
    hit.snippet = section ? snippet(section, words) : [];
  }

  function snippet(section, words) {
    var at = -1, raw = section.raw, folded = section.folded;
    var needles = [];
    words.forEach(function (w) { w.alts.forEach(function (a) { needles.push(a.word); }); });
    needles.forEach(function (word) { var i = folded.indexOf(word); if (i >= 0 && (at < 0 || i < at)) at = i; });
    var start = Math.max(0, at - 30), end = Math.min(raw.length, start + 110);
    var text = raw.slice(start, end).replace(/\s+/g, " "), low = folded.slice(start, end).replace(/\s+/g, " ");
    var marks = [];
    needles.forEach(function (word) {
      var i = low.indexOf(word);
      while (i >= 0) { marks.push([i, i + word.length]); i = low.indexOf(word, i + word.length); }
    });
    marks.sort(function (a, b) { return a[0] - b[0]; });
    var parts = [], pos = 0;
    marks.forEach(function (m) {
      if (m[0] < pos) return;
      parts.push([text.slice(pos, m[0]), false], [text.slice(m[0], m[1]), true]);
      pos = m[1];
    });
    parts.push([text.slice(pos), false]);
    if (start > 0) parts.unshift(["…", false]);
    if (end < raw.length) parts.push(["…", false]);
    return parts;
  }

  /* ---------------- rendering ---------------- */
  function render(list, query, shown) {
    results.textContent = "";
    if (!list.length) {
      var empty = document.createElement("li");
      empty.className = "yf-search-empty";
      empty.textContent = "没有找到与“" + query + "”相符的页面。可以试试：换一个更短的词（如“通道”而不是“绿色通道服务”），去掉筛选条件，或者只输入地名。";
      results.appendChild(empty);
      return;
    }
    list.slice(0, shown).forEach(function (hit) {
      var li = document.createElement("li");
      li.className = "yf-search-hit";
      var a = document.createElement("a");
      a.href = pageBase() + hit.url + (hit.anchor ? "#" + hit.anchor : "");
      a.textContent = hit.title;
      li.appendChild(a);
      var sub = document.createElement("div");
      sub.className = "yf-meta";
      sub.textContent = [hit.kind, hit.sub].filter(Boolean).join(" · ");
      li.appendChild(sub);
      if (hit.snippet && hit.snippet.length) {
        var p = document.createElement("p");
        p.className = "yf-search-snippet";
        hit.snippet.forEach(function (part) {
          var node = part[1] ? document.createElement("mark") : document.createTextNode(part[0]);
          if (part[1]) node.textContent = part[0];
          p.appendChild(node);
        });
        li.appendChild(p);
      }
      results.appendChild(li);
    });
  }

  /* Say which names a pinyin word was read as: "（datong 按拼音也查了：大同）". */
  function pinyinNote(words) {
    var notes = (words || []).map(function (w) {
      var names = w.alts.filter(function (a) { return a.pinyin; }).map(function (a) { return a.word; });
      return names.length ? w.word + " 按拼音也查了：" + names.join("、") : "";
    }).filter(Boolean);
    return notes.length ? "（" + notes.join("；") + "）" : "";
  }

  function pageBase() { return root.getAttribute("data-site-root"); }

  /* ---------------- URL state ---------------- */
  function readUrl() {
    var params = new URLSearchParams(window.location.search);
    input.value = params.get("q") || "";
    ["year_from", "year_to", "bureau", "region", "kind", "topic"].forEach(function (name) {
      var el = form.elements[name], value = params.get(name);
      if (el && value !== null && Array.prototype.some.call(el.options, function (o) { return o.value === value; })) el.value = value;
    });
    var year = params.get("year");  // ?year=2014 is a shorthand for from = to = 2014
    if (year && form.elements.year_from) { form.elements.year_from.value = year; form.elements.year_to.value = year; }
    var details = form.querySelector("details");
    if (details && Object.keys(filtersFromForm()).length) details.open = true;  // show the filters in use
  }

  function writeUrl() {
    var params = new URLSearchParams();
    if (input.value.trim()) params.set("q", input.value.trim());
    var f = filtersFromForm();
    Object.keys(f).forEach(function (k) { params.set(k, f[k]); });
    var query = params.toString();
    try {
      window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
    } catch (e) { /* some browsers refuse history changes on file:// pages; the search still works */ }
  }

  var current = 0, shownCount = PAGE, lastList = [];
  function run() {
    var text = input.value.trim(), filters = filtersFromForm(), ticket = ++current;
    if (window.performance && performance.mark) performance.mark("yf-search-start");  // for the benchmark
    results.setAttribute("data-state", "busy");
    writeUrl();
    if (!text && !Object.keys(filters).length) {
      results.textContent = "";
      status.textContent = "输入要找的词，例如：绿色通道、优待证、2014年、征兵体检。";
      results.setAttribute("data-state", "done");
      return;
    }
    search(text, filters).then(refine).then(function (list) {
      if (ticket !== current) return;
      lastList = list; shownCount = PAGE;
      status.textContent = (list.length ? "找到 " + list.length + " 个页面" : "") + pinyinNote(list.words);
      render(list, text, shownCount);
      more.hidden = list.length <= shownCount;
      results.setAttribute("data-state", "done");
    }).catch(function (err) { if (ticket === current) failed(err); });
  }

  function failed(err) {
    status.textContent = "搜索索引无法加载（" + err.message + "）。请刷新页面再试。";
    results.setAttribute("data-state", "done");
  }

  var more = root.querySelector("[data-yf-more]");
  more.addEventListener("click", function () {
    shownCount += PAGE;
    var extra = lastList.slice(0, shownCount).filter(function (h) { return !h.url; });
    var ticket = current;
    results.setAttribute("data-state", "busy");
    Promise.all(extra.map(function (hit) { return fill(hit, lastList.words); })).then(function () {
      if (ticket !== current) return;
      render(lastList, input.value.trim(), shownCount);
      more.hidden = lastList.length <= shownCount;
      results.setAttribute("data-state", "done");
    }, function (err) { if (ticket === current) failed(err); });
  });

  /* While the reader is still typing (or pausing), fetch the pieces the text so far
     needs: the folding table and the term shards. The search itself waits for a
     120 ms pause, and by then most of what it needs has arrived. */
  function prefetch() {
    var text = input.value.trim();
    if (!text) return;
    load("m", 0).then(function (meta) {
      return fold(text, meta).then(function (folded) {
        parseQuery(folded).forEach(function (w) {
          if (LATIN.test(w)) load("p", 0).catch(function () {});
          wordTerms(w).forEach(function (t) { load("t", crc32(t) % meta.shards).catch(function () {}); });
        });
      });
    }).catch(function () { /* the search reports a missing file itself */ });
  }

  var timer = null;
  input.addEventListener("input", function () { clearTimeout(timer); prefetch(); timer = setTimeout(run, 120); });
  load("m", 0).catch(function () {});
  form.addEventListener("change", run);
  form.addEventListener("submit", function (e) { e.preventDefault(); clearTimeout(timer); run(); });
  readUrl();
  run();
})();
